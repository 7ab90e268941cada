/**
 * The plain twin of the example app: the very manifests the example synthesizes (captured once by the bench from a
 * hardened run, as JSON), emitted by plain cdk8s `ApiObject`s in charts of the same names. It is the floor of what
 * cdk8s costs to write those objects with no library logic at all; it loads cdk8s-plus-28 as a plain app would.
 */
import { readFileSync } from 'fs';
import { ApiObject, App, Chart } from 'cdk8s';
import 'cdk8s-plus-28';

/** The example's output: each chart's name and its documents, in order. */
export interface CapturedApp {
  readonly charts: ReadonlyArray<{ readonly name: string; readonly objects: ReadonlyArray<Record<string, any>> }>;
}

/** Rebuilds the captured example from `capturedPath` (a CapturedApp JSON file). */
export function build(app: App, capturedPath: string): void {
  const captured = JSON.parse(readFileSync(capturedPath, 'utf8')) as CapturedApp;
  for (const { name, objects } of captured.charts) {
    const chart = new Chart(app, name);
    objects.forEach((o, i) => new ApiObject(chart, `o${i}`, o as any));
  }
}
