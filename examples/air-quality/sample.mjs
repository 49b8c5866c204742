// Generated sample data for the air-quality example, deterministic per state. Plain JavaScript so
// that both the app (through data.ts, when no BigQuery is configured) and examples/air-quality/run.mjs
// (which seeds the local BigQuery server with it) use the same numbers.
//
// `pollutionRows`, `weatherDays` and `zipRows` give the rows the dashboard shows; `seedTables()`
// gives the same data as rows of the public BigQuery tables the queries in data.ts read
// (bigquery-public-data.epa_historical_air_quality, noaa_gsod, census_bureau_usa and
// geo_us_boundaries), so the SQL over the seed returns exactly these rows.

const table = `AL Alabama 32.8 5.0 Birmingham Montgomery Huntsville Mobile Tuscaloosa
AK Alaska 61.4 0.7 Anchorage Fairbanks Juneau Wasilla
AZ Arizona 34.2 7.2 Phoenix Tucson Mesa Chandler Scottsdale Glendale
AR Arkansas 34.9 3.0 Little_Rock Fort_Smith Fayetteville Springdale Jonesboro
CA California 37.2 39.2 Los_Angeles San_Diego San_Jose San_Francisco Fresno Sacramento Long_Beach Oakland Bakersfield Anaheim
CO Colorado 39.0 5.8 Denver Colorado_Springs Aurora Fort_Collins Lakewood
CT Connecticut 41.6 3.6 Bridgeport New_Haven Hartford Stamford Waterbury
DE Delaware 39.0 1.0 Wilmington Dover Newark Middletown
DC District_of_Columbia 38.9 0.7 Washington
FL Florida 28.6 21.8 Jacksonville Miami Tampa Orlando St._Petersburg Hialeah
GA Georgia 32.7 10.8 Atlanta Augusta Columbus Macon Savannah
HI Hawaii 20.8 1.4 Honolulu Hilo Kailua Pearl_City
ID Idaho 44.4 1.9 Boise Meridian Nampa Idaho_Falls
IL Illinois 40.0 12.7 Chicago Aurora Joliet Naperville Rockford Springfield
IN Indiana 39.9 6.8 Indianapolis Fort_Wayne Evansville South_Bend Carmel
IA Iowa 42.1 3.2 Des_Moines Cedar_Rapids Davenport Sioux_City
KS Kansas 38.5 2.9 Wichita Overland_Park Kansas_City Olathe Topeka
KY Kentucky 37.5 4.5 Louisville Lexington Bowling_Green Owensboro
LA Louisiana 31.1 4.6 New_Orleans Baton_Rouge Shreveport Lafayette
ME Maine 45.4 1.4 Portland Lewiston Bangor South_Portland
MD Maryland 39.0 6.2 Baltimore Columbia Germantown Silver_Spring Frederick
MA Massachusetts 42.3 7.0 Boston Worcester Springfield Cambridge Lowell
MI Michigan 44.3 10.0 Detroit Grand_Rapids Warren Sterling_Heights Ann_Arbor Lansing
MN Minnesota 46.3 5.7 Minneapolis St._Paul Rochester Duluth Bloomington
MS Mississippi 32.7 2.9 Jackson Gulfport Southaven Hattiesburg
MO Missouri 38.4 6.2 Kansas_City St._Louis Springfield Columbia Independence
MT Montana 47.0 1.1 Billings Missoula Great_Falls Bozeman
NE Nebraska 41.5 2.0 Omaha Lincoln Bellevue Grand_Island
NV Nevada 39.3 3.2 Las_Vegas Henderson Reno North_Las_Vegas
NH New_Hampshire 43.7 1.4 Manchester Nashua Concord Dover
NJ New_Jersey 40.1 9.3 Newark Jersey_City Paterson Elizabeth Edison Trenton
NM New_Mexico 34.4 2.1 Albuquerque Las_Cruces Rio_Rancho Santa_Fe
NY New_York 42.9 19.6 New_York Buffalo Rochester Yonkers Syracuse Albany
NC North_Carolina 35.6 10.7 Charlotte Raleigh Greensboro Durham Winston-Salem
ND North_Dakota 47.5 0.8 Fargo Bismarck Grand_Forks Minot
OH Ohio 40.4 11.8 Columbus Cleveland Cincinnati Toledo Akron Dayton
OK Oklahoma 35.6 4.0 Oklahoma_City Tulsa Norman Broken_Arrow
OR Oregon 44.0 4.2 Portland Salem Eugene Gresham Hillsboro
PA Pennsylvania 40.9 13.0 Philadelphia Pittsburgh Allentown Erie Reading Harrisburg
RI Rhode_Island 41.7 1.1 Providence Warwick Cranston Pawtucket
SC South_Carolina 33.9 5.3 Charleston Columbia North_Charleston Mount_Pleasant Greenville
SD South_Dakota 44.4 0.9 Sioux_Falls Rapid_City Aberdeen Brookings
TN Tennessee 35.9 7.1 Nashville Memphis Knoxville Chattanooga Clarksville
TX Texas 31.5 30.0 Houston San_Antonio Dallas Austin Fort_Worth El_Paso Arlington Corpus_Christi
UT Utah 39.3 3.4 Salt_Lake_City West_Valley_City Provo West_Jordan Orem
VT Vermont 44.1 0.6 Burlington South_Burlington Rutland Essex
VA Virginia 37.5 8.7 Virginia_Beach Norfolk Chesapeake Richmond Newport_News Arlington
WA Washington 47.4 7.8 Seattle Spokane Tacoma Vancouver Bellevue Kent
WV West_Virginia 38.6 1.8 Charleston Huntington Morgantown Parkersburg
WI Wisconsin 44.6 5.9 Milwaukee Madison Green_Bay Kenosha Racine
WY Wyoming 43.0 0.6 Cheyenne Casper Laramie Gillette`;
/** @type {import("./sample.d.mts").StateInfo[]} */
export const states = table.split("\n").map((line) => {
  const [code, name, lat, people, ...cities] = line.split(" ");
  return { code, name: name.replace(/_/g, " "), lat: Number(lat), people: Number(people), cities: cities.map((c) => c.replace(/_/g, " ")) };
});

export function stateInfo(code) {
  const found = states.find((s) => s.code === code);
  if (!found) throw new Error(`Unknown state ${JSON.stringify(code)}.`);
  return found;
}

/** A small seeded PRNG (mulberry32): the same state always gets the same data. */
function random(seed) {
  let h = 1779033703;
  for (const ch of seed) h = Math.imul(h ^ ch.charCodeAt(0), 3432918353) | 0;
  return () => {
    h = (h + 0x6d2b79f5) | 0;
    let t = Math.imul(h ^ (h >>> 15), 1 | h);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(rand) {
  return Math.sqrt(-2 * Math.log(rand() || 1e-9)) * Math.cos(2 * Math.PI * rand());
}

function round(n) {
  return Math.round(n * 100) / 100;
}

const pollutionCache = new Map();
/** Yearly state means of four pollutants (µg/m³; lead in 0.01 µg/m³), 1990–2016; PM2.5 is NaN before 1999. */
export function pollutionRows(state) {
  let rows = pollutionCache.get(state);
  if (!rows) {
    const rand = random(`pollution:${state}`);
    const info = stateInfo(state);
    const base = 18 + info.people * 0.6 + rand() * 10;
    rows = [];
    for (let year = 1990; year <= 2016; year++) {
      const t = (year - 1990) / 26;
      rows.push({
        year,
        pm10: round(base * (1.35 - 0.55 * t) + normal(rand) * 2.2),
        pm25_frm: year < 1999 ? NaN : round(base * 0.48 * (1.2 - 0.5 * t) + normal(rand) * 1.1),
        pm25_nonfrm: year < 1999 ? NaN : round(base * 0.42 * (1.15 - 0.45 * t) + normal(rand) * 1.3),
        lead: round(Math.max(0.5, 12 * Math.exp(-3.2 * t) + rand() * 1.5)),
      });
    }
    pollutionCache.set(state, rows);
  }
  return rows;
}

const weatherCache = new Map();
/** 2016 daily weather of the state: min, max and mean temperature (°F) and precipitation (in). */
export function weatherDays(state) {
  let days = weatherCache.get(state);
  if (!days) {
    const rand = random(`weather:${state}`);
    const info = stateInfo(state);
    const mean = 88 - info.lat * 0.95; // °F
    const swing = Math.max(6, (info.lat - 18) * 0.75);
    let anomaly = 0;
    days = [];
    for (let d = 0; d < 366; d++) {
      const date = new Date(Date.UTC(2016, 0, 1 + d));
      anomaly = anomaly * 0.8 + normal(rand) * 3;
      const avg = mean - swing * Math.cos(((d - 20) / 366) * 2 * Math.PI) + anomaly;
      const spread = 8 + rand() * 10;
      const wet = rand() < 0.28 + (info.lat > 40 ? 0.06 : 0);
      days.push({
        date,
        avg: round(avg),
        min: round(avg - spread / 2 - rand() * 3),
        max: round(avg + spread / 2 + rand() * 3),
        prcp: wet ? round(Math.min(4, -Math.log(rand() || 1e-9) * 0.25)) : 0,
      });
    }
    weatherCache.set(state, days);
  }
  return days;
}

/** The USPS three-digit ZIP prefixes of each state (first and last). */
const zipPrefixes = {
  AL: [350, 369],
  AK: [995, 999],
  AZ: [850, 865],
  AR: [716, 729],
  CA: [900, 961],
  CO: [800, 816],
  CT: [60, 69],
  DE: [197, 199],
  DC: [200, 205],
  FL: [320, 349],
  GA: [300, 319],
  HI: [967, 968],
  ID: [832, 838],
  IL: [600, 629],
  IN: [460, 479],
  IA: [500, 528],
  KS: [660, 679],
  KY: [400, 427],
  LA: [700, 714],
  ME: [39, 49],
  MD: [206, 219],
  MA: [10, 27],
  MI: [480, 499],
  MN: [550, 567],
  MS: [386, 397],
  MO: [630, 658],
  MT: [590, 599],
  NE: [680, 693],
  NV: [889, 898],
  NH: [30, 38],
  NJ: [70, 89],
  NM: [870, 884],
  NY: [100, 149],
  NC: [270, 289],
  ND: [580, 588],
  OH: [430, 459],
  OK: [730, 749],
  OR: [970, 979],
  PA: [150, 196],
  RI: [28, 29],
  SC: [290, 299],
  SD: [570, 577],
  TN: [370, 385],
  TX: [750, 799],
  UT: [840, 847],
  VT: [50, 59],
  VA: [220, 246],
  WA: [980, 994],
  WV: [247, 268],
  WI: [530, 549],
  WY: [820, 831],
};

const zipCache = new Map();
/** The 100 most populated ZIP codes of the state, largest first. ZIP prefixes differ between states. */
export function zipRows(state) {
  let rows = zipCache.get(state);
  if (!rows) {
    const rand = random(`zip:${state}`);
    const info = stateInfo(state);
    const [low, high] = zipPrefixes[state];
    const seen = new Set();
    rows = [];
    while (rows.length < 100) {
      const prefix = low + Math.floor(rand() * (high - low + 1));
      const zip = `${String(prefix).padStart(3, "0")}${String(Math.floor(rand() * 100)).padStart(2, "0")}`;
      if (seen.has(zip)) continue;
      seen.add(zip);
      const rank = rows.length + 1;
      const city = info.cities[Math.min(info.cities.length - 1, Math.floor(Math.pow(rand(), 1.8) * info.cities.length))];
      rows.push({ zip, population: Math.round((18_000 + info.people * 1500) * Math.pow(rank, -0.35) * (0.9 + rand() * 0.2)), city, state: info.code });
    }
    rows.sort((a, b) => b.population - a.population);
    zipCache.set(state, rows);
  }
  return rows;
}

const two = (n) => String(n).padStart(2, "0");
const day = (date) => date.toISOString().slice(0, 10);

/**
 * The sample data as rows of the public tables, by dataset and table (the columns the queries
 * read, plus a few more of the real schemas): one monitor per state reporting a yearly mean on
 * 1 July, one weather station per state (plus, on 29 February, a second report holding NOAA's
 * missing-value markers 9999.9 and 99.99, which the SQL must skip), and per ZIP the census total
 * row plus its male and female rows.
 */
export function seedTables() {
  const epa = { pm10_daily_summary: [], pm25_frm_daily_summary: [], pm25_nonfrm_daily_summary: [], lead_daily_summary: [] };
  const gsod2016 = [];
  const stations = [];
  const population = [];
  const zipCodes = [];
  const geoStates = [];
  const parameters = {
    pm10_daily_summary: ["pm10", "PM10 Total 0-10um STP", "Micrograms/cubic meter (25 C)", 1],
    pm25_frm_daily_summary: ["pm25_frm", "PM2.5 - Local Conditions", "Micrograms/cubic meter (LC)", 1],
    pm25_nonfrm_daily_summary: ["pm25_nonfrm", "Acceptable PM2.5 AQI & Speciation Mass", "Micrograms/cubic meter (LC)", 1],
    lead_daily_summary: ["lead", "Lead PM10 STP", "Micrograms/cubic meter (25 C)", 100],
  };
  states.forEach((info, index) => {
    geoStates.push({ state: info.code, state_name: info.name, state_fips_code: two(index + 1) });
    for (const row of pollutionRows(info.code)) {
      for (const [name, [column, parameter, units, scale]] of Object.entries(parameters)) {
        const value = row[column];
        if (Number.isNaN(value)) continue;
        epa[name].push({
          state_name: info.name,
          county_name: info.cities[0],
          city_name: info.cities[0],
          site_num: "0001",
          parameter_name: parameter,
          sample_duration: "24 HOUR",
          units_of_measure: units,
          date_local: new Date(Date.UTC(row.year, 6, 1)),
          observation_count: 1,
          arithmetic_mean: value / scale,
        });
      }
    }
    const usaf = String(720000 + index * 10);
    stations.push({ usaf, wban: "99999", name: `${info.cities[0].toUpperCase()} AIRPORT`, country: "US", state: info.code, lat: info.lat, lon: -100 });
    for (const d of weatherDays(info.code)) {
      const [year, mo, da] = day(d.date).split("-");
      const missing = mo === "02" && da === "29";
      gsod2016.push({ stn: usaf, wban: "99999", year, mo, da, temp: d.avg, count_temp: 24, max: d.max, min: d.min, prcp: d.prcp });
      if (missing) gsod2016.push({ stn: usaf, wban: "99999", year, mo, da, temp: 9999.9, count_temp: 0, max: 9999.9, min: 9999.9, prcp: 99.99 });
    }
    for (const z of zipRows(info.code)) {
      zipCodes.push({ zip_code: z.zip, city: z.city, state_code: info.code, state_name: info.name, state_fips_code: two(index + 1) });
      const male = Math.round(z.population * 0.49);
      population.push({ geo_id: `8600000US${z.zip}`, zipcode: z.zip, population: z.population, minimum_age: null, maximum_age: null, gender: "" });
      population.push({ geo_id: `8600000US${z.zip}`, zipcode: z.zip, population: male, minimum_age: null, maximum_age: null, gender: "male" });
      population.push({ geo_id: `8600000US${z.zip}`, zipcode: z.zip, population: z.population - male, minimum_age: null, maximum_age: null, gender: "female" });
    }
  });
  return {
    epa_historical_air_quality: epa,
    noaa_gsod: { gsod2016, stations },
    census_bureau_usa: { population_by_zip_2010: population },
    geo_us_boundaries: { zip_codes: zipCodes, states: geoStates },
  };
}
