/**
 * Whether `e` is cdk8s's synth-time validation failure made only of the library's refusals: each error starts with
 * the construct path, and each refusal names a prop (or is an audit finding line), a practice and the way out.
 * What the constructs decide at synth (an exception that excuses nothing, an app-wide check) fails this way.
 */
export function isSynthRefusal(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const [head, ...rest] = e.message.split('\n  [');
  if (head !== 'Validation failed with the following errors:' || rest.length === 0) return false;
  return rest.every((r) => /^[^\]]+\] (([A-Za-z]+ prop '[^']+' [^\n]+\.\n(Practice HK-[A-Z]+-\d{3} \(.+\) refuses it\.\n)?Fix: .+)|(HK-[A-Z]+-\d{3} \((critical|high|medium|low)\) .+ Fix: .+))$/s.test(r));
}
