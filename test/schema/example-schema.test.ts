/**
 * Every built-in object of the example app validates against the Kubernetes OpenAPI schemas (kubernetes-models).
 * The example runs as `npm run synth` runs it: examples/main.ts in a child process, into a temporary folder, with the
 * development-only secret values the synth task supplies. Custom resources are judged by test/conformance/crd-schemas.
 */
import { exampleObjects } from '../support/example-objects';
import { isBuiltIn, schemaErrorsOf } from '../support/k8s-schema';

describe('the example against the Kubernetes schemas', () => {
  const objects = exampleObjects();

  test('writes the whole app', () => {
    expect(objects.length).toBeGreaterThan(100);
    expect(objects.filter(isBuiltIn).length).toBeGreaterThan(80);
  });

  test('every built-in object is valid', () => {
    expect(schemaErrorsOf(objects)).toEqual([]);
  });

  test('the validation is not vacuous: a Deployment without containers and a string port fail', () => {
    const deployment = objects.find((o) => o.kind === 'Deployment');
    const broken = JSON.parse(JSON.stringify(deployment));
    delete broken.spec.template.spec.containers[0].name;
    broken.spec.template.spec.containers[0].ports = [{ containerPort: '8080' }];
    expect(schemaErrorsOf([broken])).toEqual([
      `Deployment ${deployment.metadata.namespace}/${deployment.metadata.name}: data/spec/template/spec/containers/0 must have required property name`,
      `Deployment ${deployment.metadata.namespace}/${deployment.metadata.name}: data/spec/template/spec/containers/0/ports/0/containerPort must be integer`,
    ]);
  });
});
