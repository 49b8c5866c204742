import { scopeOf } from "@dash/runtime/scope.ts";
import { commonProps, maybeOptions, type OptionList, type WidgetOptions } from "./common.ts";
import { multiselectWidget } from "./widget.ts";

export interface MultiselectOptions<T> extends WidgetOptions<T[]> {
  value?: T[];
  format?: (option: T) => unknown;
  /** The most options that can be chosen. */
  maxSelections?: number;
  placeholder?: string;
}

/**
 * Choose any number of options. Returns the chosen options, in the order of `options`.
 * @example const tags = dash.multiselect("Tags", allTags, { value: ["#ai"] });
 */
export function multiselect<T>(this: unknown, label: string, options: Iterable<T> | ArrayLike<T>, opts: MultiselectOptions<T> = {}): T[] {
  const list = maybeOptions(options, opts.format);
  const max = opts.maxSelections ?? Infinity;
  const given = { list: list as OptionList<unknown>, max };
  const props = { ...commonProps(opts), options: list.labels, ...(Number.isFinite(max) ? { maxSelections: max } : {}) };
  if (opts.placeholder) Object.assign(props, { placeholder: opts.placeholder });
  return multiselectWidget.render<T[]>(scopeOf(this), {
    label,
    key: opts.key,
    props,
    given,
    initial: (multiselectWidget.value.coerce(opts.value ?? [], given) as T[] | undefined) ?? [],
    query: opts.query,
    onChange: opts.onChange,
  });
}
