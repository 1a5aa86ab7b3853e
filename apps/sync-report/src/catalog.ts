/**
 * The fixed reference data of the sample dataset: sales regions and the product catalogue.
 * Product names deliberately include a comma and double quotes, so the CSV export has to
 * quote them.
 */

/** The sales regions, in display order. */
export const REGIONS = ["north", "south", "east", "west", "central", "coastal", "mountain", "islands"] as const;

/** One sales region. */
export type Region = (typeof REGIONS)[number];

/** One product of the catalogue. */
export interface Product {
  readonly id: number;
  readonly name: string;
  readonly category: string;
  /** List price in cents; the sold price varies around it. */
  readonly listPriceCents: number;
}

const CATALOGUE: ReadonlyArray<[name: string, category: string, listPriceCents: number]> = [
  ["Ballpoint pen", "stationery", 150],
  ["Fountain pen", "stationery", 4_500],
  ["Notebook A5", "stationery", 600],
  ['Notebook, "Squared" A4', "stationery", 850],
  ["Sticky notes", "stationery", 300],
  ["Stapler", "stationery", 1_200],
  ["Desk lamp", "furniture", 3_900],
  ["Office chair", "furniture", 18_900],
  ["Standing desk", "furniture", 49_900],
  ["Bookshelf", "furniture", 12_500],
  ["Monitor arm", "furniture", 7_900],
  ["Filing cabinet", "furniture", 15_900],
  ["USB-C cable", "electronics", 1_500],
  ["Wireless mouse", "electronics", 2_900],
  ["Mechanical keyboard", "electronics", 11_900],
  ['Monitor 27"', "electronics", 32_900],
  ["Webcam", "electronics", 6_900],
  ["Headset", "electronics", 8_900],
  ["Docking station", "electronics", 19_900],
  ["Laptop stand", "electronics", 3_500],
  ["Coffee beans 1kg", "pantry", 2_400],
  ["Green tea", "pantry", 800],
  ["Sparkling water (12)", "pantry", 900],
  ["Biscuits", "pantry", 350],
  ["Dark chocolate", "pantry", 450],
  ["Printer paper", "supplies", 2_200],
  ["Toner cartridge", "supplies", 8_900],
  ["Envelopes (100)", "supplies", 1_100],
  ["Shipping boxes (20)", "supplies", 2_600],
  ["Packing tape", "supplies", 500],
];

/** The product catalogue; a product's id is its position plus one. */
export const PRODUCTS: readonly Product[] = CATALOGUE.map(([name, category, listPriceCents], index) => ({
  id: index + 1,
  name,
  category,
  listPriceCents,
}));

/** The product categories, in catalogue order. */
export const CATEGORIES: readonly string[] = [...new Set(PRODUCTS.map((product) => product.category))];

/** The first day of the dataset. */
export const FIRST_DAY = "2024-01-01";

/** The number of days the dataset covers (2024 and 2025). */
export const DAY_COUNT = 731;
