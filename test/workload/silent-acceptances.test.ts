import { ready, refusal, shop } from './support';
import { SecureDeployment } from '../../lib/workload/secure-deployment';

const DIGEST = `sha256:${'c'.repeat(64)}`;

function refuseImage(image: unknown): string {
  const { ns } = shop();
  return refusal(() => new SecureDeployment(ns, 'api', { image: image as string, port: 8080, readinessProbe: ready() }));
}

describe('silent acceptances closed: images', () => {
  test('refuses a digest labelled latest', () => {
    expect(refuseImage(`registry.example.com/shop/api:latest@${DIGEST}`)).toBe(
      `[test/shop/api] SecureDeployment prop 'image' is 'registry.example.com/shop/api:latest@${DIGEST}', a digest labelled with the moving 'latest' tag.\n`
      + 'Practice HK-IMAGE-002 (No `latest`, no untagged image) refuses it.\n'
      + `Fix: name the version the digest is: 'registry.example.com/shop/api:<version>@${DIGEST}'.`);
  });

  test('refuses an upper-case repository, which the kubelet would fail to pull', () => {
    expect(refuseImage(`registry.example.com/Shop/API:1.0@${DIGEST}`)).toBe(
      `[test/shop/api] SecureDeployment prop 'image' is 'registry.example.com/Shop/API:1.0@${DIGEST}', whose repository 'Shop/API' has upper-case letters, which no registry accepts.\n`
      + 'Practice HK-IMAGE-001 (Pin every image by digest) refuses it.\n'
      + `Fix: write the repository in lower case: 'registry.example.com/shop/api:1.0@${DIGEST}'.`);
  });
});

describe('bounded refusals', () => {
  test('a 200 KB prop value is cut, not echoed whole', () => {
    const huge = `registry.example.com/shop/api:${'x'.repeat(200_000)}`;
    const message = refuseImage(huge);
    expect(message.length).toBeLessThan(4000);
    expect(message).toMatch(/^\[test\/shop\/api\] SecureDeployment prop 'image' is 'registry\.example\.com\/shop\/api:x+… \[\d+ more characters\]\.\n/);
  });
});
