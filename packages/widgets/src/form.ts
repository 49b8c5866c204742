import { scopeOf } from "@dash/runtime/scope.ts";
import { handle } from "./handle.ts";
import type { Container } from "./index.ts";

export interface FormOptions {
  /** The submit button's label (default "Submit"). */
  submitLabel?: string;
  /** Reset the form's widgets to their defaults after a submit. */
  clearOnSubmit?: boolean;
  border?: boolean;
  onSubmit?: () => void;
}

export type Form = Container & {
  /** True on the run caused by this form's submit. */
  readonly submitted: boolean;
};

/**
 * A form: widgets inside keep their edits in the browser and the script reruns once, with all of
 * them, when the submit button is pressed.
 * @example const f = dash.form("filters"); const q = f.textInput("Search"); if (f.submitted) …
 */
export function form(this: unknown, key: string, options: FormOptions = {}): Form {
  const parent = scopeOf(this);
  const id = `form:${key}`;
  const submitLabel = options.submitLabel ?? "Submit";
  const submitted = parent.form(id, submitLabel, options.onSubmit);
  const scope = parent.child(
    "form",
    { id, label: key, submitLabel, clearOnSubmit: options.clearOnSubmit ?? false, border: options.border ?? true },
    { form: id },
    `w:${id}`,
  );
  if (submitted && options.clearOnSubmit) parent.run.clearedForms.add(id);
  return handle(scope, { submitted }) as Form;
}
