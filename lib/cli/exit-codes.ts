/** Exit codes shared by every subcommand of the CLI. */

/** Nothing to complain about. */
export const EXIT_OK = 0;

/** The command did its job and found problems (e.g. audit findings at or above `--fail-on`). */
export const EXIT_FINDINGS = 1;

/** Usage errors, and input that could not be read or parsed. */
export const EXIT_USAGE = 2;
