/** Shared data for the pages (in a subfolder, so it is not a page itself). */
export interface City {
  name: string;
  country: string;
  population: number;
}

export const cities: City[] = [
  { name: "Tokyo", country: "Japan", population: 13_960_000 },
  { name: "Lagos", country: "Nigeria", population: 8_048_000 },
  { name: "London", country: "United Kingdom", population: 8_982_000 },
  { name: "Bogotá", country: "Colombia", population: 7_181_000 },
  { name: "Sydney", country: "Australia", population: 5_312_000 },
  { name: "Toronto", country: "Canada", population: 2_794_000 },
  { name: "Lyon", country: "France", population: 522_000 },
].sort((a, b) => b.population - a.population);
