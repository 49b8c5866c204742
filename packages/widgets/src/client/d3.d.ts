// The two d3 formatters the data chunk uses (they come with Observable Plot); just what we call.
declare module "d3-format" {
  export function format(specifier: string): (value: number) => string;
}
declare module "d3-time-format" {
  export function utcFormat(specifier: string): (date: Date) => string;
}
