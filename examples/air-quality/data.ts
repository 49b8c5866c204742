/**
 * All data access of the air-quality example, in one module.
 *
 * With BigQuery configured (`BIGQUERY_EMULATOR_HOST`, as `npm run example:air-quality` sets for
 * the local server, or `GOOGLE_CLOUD_PROJECT` for the real service), each function is a query over
 * the public EPA, NOAA GSOD and census tables with `@state` as a named parameter. The four run as
 * one query each for every viewer, are checked for changes hourly, and their results are cached
 * for an hour across sessions. Without BigQuery configured, they return the bundled sample data
 * (sample.mjs), the same data the local server is seeded with.
 */
import * as dash from "dash";
import { pollutionRows, states, weatherDays, zipRows, type PollutionRow, type WeatherDay, type ZipRow } from "./sample.mjs";

export { states };
export type { PollutionRow, StateInfo, WeatherDay, ZipRow } from "./sample.mjs";

const env = process.env;

/**
 * The project that holds the tables: the one place to change it. The local server ignores the
 * project (it maps `project.dataset.table` to its `dataset.table`), so the same SQL runs offline.
 */
export const tablesProject = env.AIR_QUALITY_PROJECT ?? "bigquery-public-data";
const table = (dataset: string, name: string): string => `\`${tablesProject}.${dataset}.${name}\``;

/** True when the functions query BigQuery; false when they return the bundled sample data. */
export const usesBigQuery = env.AIR_QUALITY_DATA !== "sample" && Boolean(env.BIGQUERY_EMULATOR_HOST || env.GOOGLE_CLOUD_PROJECT);

/** Where the data comes from, for the page. */
export const dataSource = !usesBigQuery
  ? "bundled sample data, generated offline (set GOOGLE_CLOUD_PROJECT to query BigQuery's public datasets, or run npm run example:air-quality for a local BigQuery server; see README.md)"
  : env.BIGQUERY_EMULATOR_HOST
    ? `BigQuery at ${env.BIGQUERY_EMULATOR_HOST} (${tablesProject} tables), cached for an hour`
    : `BigQuery, ${tablesProject} tables, queried from project ${env.GOOGLE_CLOUD_PROJECT}, cached for an hour`;

/** How long results are kept, and how often the tables are checked for changes. */
const hour = "1h";

/** The state's name as the EPA tables spell it (case differs: "District Of Columbia"). */
const stateName = `(SELECT LOWER(state_name) FROM ${table("geo_us_boundaries", "states")} WHERE state = @state)`;

const epaYearly = (name: string, tableName: string, scale = 1): string => `${name} AS (
    SELECT EXTRACT(YEAR FROM date_local) AS year, AVG(arithmetic_mean)${scale === 1 ? "" : ` * ${scale}`} AS value
    FROM ${table("epa_historical_air_quality", tableName)}
    WHERE LOWER(state_name) = ${stateName}
    GROUP BY 1
  )`;

const pollutionSql = `
  WITH
  ${epaYearly("pm10", "pm10_daily_summary")},
  ${epaYearly("pm25_frm", "pm25_frm_daily_summary")},
  ${epaYearly("pm25_nonfrm", "pm25_nonfrm_daily_summary")},
  ${epaYearly("lead", "lead_daily_summary", 100)}
  SELECT pm10.year AS year,
    ROUND(pm10.value, 2) AS pm10,
    ROUND(pm25_frm.value, 2) AS pm25_frm,
    ROUND(pm25_nonfrm.value, 2) AS pm25_nonfrm,
    ROUND(lead.value, 2) AS lead
  FROM pm10
  LEFT JOIN pm25_frm ON pm25_frm.year = pm10.year
  LEFT JOIN pm25_nonfrm ON pm25_nonfrm.year = pm10.year
  LEFT JOIN lead ON lead.year = pm10.year
  WHERE pm10.year BETWEEN 1990 AND 2016
  ORDER BY 1`;

/** NOAA marks a missing temperature 9999.9 and missing precipitation 99.99. */
const weatherSql = (columns: string): string => `
  SELECT CAST(CONCAT(g.year, '-', g.mo, '-', g.da) AS DATE) AS date, ${columns}
  FROM ${table("noaa_gsod", "gsod2016")} AS g
  JOIN ${table("noaa_gsod", "stations")} AS s ON s.usaf = g.stn AND s.wban = g.wban
  WHERE s.country = 'US' AND s.state = @state
  GROUP BY 1
  ORDER BY 1`;

const temperatureSql = weatherSql(`
    ROUND(AVG(CASE WHEN g.min < 9999 THEN g.min END), 2) AS min,
    ROUND(AVG(CASE WHEN g.max < 9999 THEN g.max END), 2) AS max,
    ROUND(AVG(CASE WHEN g.temp < 9999 THEN g.temp END), 2) AS avg`);

const precipitationSql = weatherSql(`ROUND(AVG(CASE WHEN g.prcp < 99 THEN g.prcp END), 2) AS prcp`);

/** The census total row of a ZIP has no age bounds and no gender. */
const zipSql = `
  SELECT p.zipcode AS zip, p.population AS population, z.city AS city, z.state_code AS state
  FROM ${table("census_bureau_usa", "population_by_zip_2010")} AS p
  JOIN ${table("geo_us_boundaries", "zip_codes")} AS z ON z.zip_code = p.zipcode
  WHERE z.state_code = @state AND p.minimum_age IS NULL AND p.maximum_age IS NULL AND (p.gender IS NULL OR p.gender = '')
  ORDER BY 2 DESC, 1
  LIMIT 100`;

type Row = Record<string, unknown>;
const num = (v: unknown): number => (v === null || v === undefined ? NaN : Number(v));
const date = (v: unknown): Date => (v instanceof Date ? v : new Date(Number(v)));

/** A query by state, as rows, run once per state and hour for all viewers. */
function query<T>(name: string, sql: string, convert: (row: Row) => T): (state: string) => Promise<T[]> {
  return dash.cache(
    async (state: string): Promise<T[]> => {
      const result = await dash.bigquery(sql, { params: { state }, every: hour });
      return result.toArray().map((row: { toJSON(): Row }) => convert(row.toJSON()));
    },
    // The SQL is part of the name, so an edited query is not answered from the cache.
    { ttl: hour, name: `air-quality/${name}/${sql}` },
  );
}

const queries = {
  pollution: query<PollutionRow>("pollution", pollutionSql, (r) => ({
    year: num(r.year),
    pm10: num(r.pm10),
    pm25_frm: num(r.pm25_frm),
    pm25_nonfrm: num(r.pm25_nonfrm),
    lead: num(r.lead),
  })),
  temperature: query<Omit<WeatherDay, "prcp">>("temperature", temperatureSql, (r) => ({
    date: date(r.date),
    min: num(r.min),
    max: num(r.max),
    avg: num(r.avg),
  })),
  precipitation: query<{ date: Date; prcp: number }>("precipitation", precipitationSql, (r) => ({ date: date(r.date), prcp: num(r.prcp) })),
  zipCodes: query<ZipRow>("zips", zipSql, (r) => ({ zip: String(r.zip), population: num(r.population), city: String(r.city), state: String(r.state) })),
};

/** The SQL of each function, for tests and the curious. */
export const sql = { pollution: pollutionSql, temperature: temperatureSql, precipitation: precipitationSql, zipCodes: zipSql };

/**
 * The bundled sample data: the same rows (the same objects) for every viewer and rerun, as the
 * cached queries give, so dash converts and sends each state's data once. sample.mjs keeps each
 * state's rows; the weather columns split here are kept per state too.
 */
function perState<T>(make: (state: string) => T): (state: string) => Promise<T> {
  const made = new Map<string, T>();
  return (state) => {
    if (!made.has(state)) made.set(state, make(state));
    return Promise.resolve(made.get(state)!);
  };
}

const samples = {
  pollution: (state: string) => Promise.resolve(pollutionRows(state)),
  temperature: perState((state) => weatherDays(state).map(({ date, min, max, avg }) => ({ date, min, max, avg }))),
  precipitation: perState((state) => weatherDays(state).map(({ date, prcp }) => ({ date, prcp }))),
  zipCodes: (state: string) => Promise.resolve(zipRows(state)),
};

/** Yearly state means of four pollutants (µg/m³; lead in 0.01 µg/m³), 1990–2016; PM2.5 is NaN where not measured. */
export function pollution(state: string): Promise<PollutionRow[]> {
  return usesBigQuery ? queries.pollution(state) : samples.pollution(state);
}

/** 2016 daily temperature (°F): min, max and average over the state's stations. */
export function temperature(state: string): Promise<Omit<WeatherDay, "prcp">[]> {
  return usesBigQuery ? queries.temperature(state) : samples.temperature(state);
}

/** 2016 daily precipitation (inches), state mean. */
export function precipitation(state: string): Promise<{ date: Date; prcp: number }[]> {
  return usesBigQuery ? queries.precipitation(state) : samples.precipitation(state);
}

/** The 100 most populated ZIP codes of the state, largest first. */
export function zipCodes(state: string): Promise<ZipRow[]> {
  return usesBigQuery ? queries.zipCodes(state) : samples.zipCodes(state);
}
