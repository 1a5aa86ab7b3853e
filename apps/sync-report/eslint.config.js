import { sluiceConfig } from "@sluice/eslint-config";

export default sluiceConfig(import.meta.dirname);
