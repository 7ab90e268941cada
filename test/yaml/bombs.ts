/** Nine levels of nine aliases each: 9^9 nodes once expanded, a few hundred bytes written. */
export const BILLION_LAUGHS = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
  .concat('bcdefgh'.split('').map((c, i) => `${c}: &${c} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(',')}]`))
  .concat(['i: [*h,*h,*h,*h,*h,*h,*h,*h,*h]'])
  .join('\n');
