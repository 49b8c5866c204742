export interface StateInfo {
  code: string;
  name: string;
  /** Latitude of the state's middle (drives the temperature curve). */
  lat: number;
  /** Population in millions (drives ZIP populations). */
  people: number;
  cities: string[];
}

export interface PollutionRow {
  year: number;
  pm10: number;
  pm25_frm: number;
  pm25_nonfrm: number;
  lead: number;
}

export interface WeatherDay {
  date: Date;
  min: number;
  max: number;
  avg: number;
  prcp: number;
}

export interface ZipRow {
  zip: string;
  population: number;
  city: string;
  state: string;
}

export const states: StateInfo[];
export function stateInfo(code: string): StateInfo;
export function pollutionRows(state: string): PollutionRow[];
export function weatherDays(state: string): WeatherDay[];
export function zipRows(state: string): ZipRow[];
/** Rows of the public tables by dataset and table, for `startBigQueryServer({ seed })`. */
export function seedTables(): Record<string, Record<string, Record<string, unknown>[]>>;
