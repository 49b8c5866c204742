import * as dash from "dash";
import { cities } from "./lib/cities.ts";

dash.page({ title: "Explore · Cities", icon: "🔎" });
dash.title("Explore");
const min = dash.slider("Minimum population (millions)", { min: 0, max: 10, step: 0.5, value: 1, query: "min" });
const picked = cities.filter((city) => city.population >= min * 1e6);
dash.text(`${picked.length} cities with at least ${min} million people`);
for (const city of picked) dash.markdown(`- **${city.name}** (${city.country}): ${(city.population / 1e6).toFixed(1)} M`);
