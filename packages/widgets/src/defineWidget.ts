/**
 * How a widget is declared (see `widget.ts` for the declarations): `defineWidget` takes its kind,
 * props type, wire value type, value rule and whether the value is kept between runs, and gives
 * the server half (`render`) and the browser half (`propsOf`). Imports nothing at run time.
 */
import type { Json, Props } from "@dash/runtime/protocol.ts";
import type { Scope } from "@dash/runtime/scope.ts";

/** Props every widget has: from its options (`commonProps`) and from the runtime. */
export type CommonProps = {
  help?: string;
  disabled?: boolean;
  labelVisibility?: "hidden" | "collapsed";
};

/** What the runtime adds to every widget's props (see `Scope.widget`). */
export type RuntimeProps<V> = {
  id: string;
  kind: string;
  label: string;
  value: V;
  /** The form the widget belongs to, if any. */
  form?: string;
};

/** How a widget's value `T` is checked and travels (`V` on the wire), given what its call decided (`G`). */
export interface ValueRule<T, V extends Json, G> {
  /** A value from the browser; `undefined` refuses it. May clamp. */
  parse(wire: Json, given: G): T | undefined;
  /** A value kept from an earlier run or assigned to `dash.state[key]`; `undefined` = not valid now. */
  coerce(value: unknown, given: G): T | undefined;
  toWire(value: T, given: G): V;
  /** A URL query value (`{ query: "name" }`); a widget without it cannot be bound to the URL. */
  fromQuery?(text: string, given: G): T | undefined;
  toQuery?(value: T, given: G): string;
}

/** One call of a widget: what the author's options made of it. `R` narrows `T` for widgets generic in their options. */
export type WidgetCall<R, P, G> = {
  label: string;
  key?: string | undefined;
  props: P;
  /** The value when nothing was set. */
  initial: R;
  /** Props that depend on the value (a big table's row order for its sort, a chart drawn for its width). */
  propsFor?(value: R): Props;
  query?: string | undefined;
  onChange?: ((value: R) => void) | undefined;
} & (undefined extends G ? { given?: G } : { given: G });

export interface WidgetDeclaration<K extends string, P, V extends Json, T, G> {
  readonly kind: K;
  readonly restorable: boolean;
  readonly value: ValueRule<T, V, G>;
  /** Render the widget in `scope` (the server half) and return its value on this run; `R` only for a generic value (`render<T>`). */
  render<R extends T = T>(scope: Scope, call: WidgetCall<NoInfer<R>, P, G>): R;
  /** The widget's props as its renderer reads them (the browser half). */
  propsOf(node: { props: Props }): P & RuntimeProps<V>;
}

/** Declare a widget: `P` its props, `V` its value on the wire; its value type and `given` come from the rule. */
export function defineWidget<P, V extends Json>() {
  return <K extends string, T, G = undefined>(kind: K, options: { restorable: boolean; value: ValueRule<T, V, G> }): WidgetDeclaration<K, P, V, T, G> => {
    const rule = options.value;
    return {
      kind,
      restorable: options.restorable,
      value: rule,
      render<R extends T>(scope: Scope, call: WidgetCall<NoInfer<R>, P, G>): R {
        const given = call.given as G;
        const { fromQuery, toQuery } = rule;
        return scope.widget<R>({
          kind,
          label: call.label,
          key: call.key,
          props: call.props as Props,
          ...(call.propsFor ? { propsFor: call.propsFor } : {}),
          initial: call.initial,
          // `R` only narrows `T` (a select's options' type), so what the rule returns is an `R`.
          parse: (wire) => rule.parse(wire, given) as R | undefined,
          coerce: (value) => rule.coerce(value, given) as R | undefined,
          toWire: (value) => rule.toWire(value, given),
          ...(fromQuery && toQuery
            ? { fromQuery: (text: string) => fromQuery(text, given) as R | undefined, toQuery: (value: R) => toQuery(value, given) }
            : {}),
          query: call.query,
          onChange: call.onChange,
          ...(options.restorable ? {} : { trigger: true }),
        });
      },
      propsOf: (node) => node.props as unknown as P & RuntimeProps<V>,
    };
  };
}
