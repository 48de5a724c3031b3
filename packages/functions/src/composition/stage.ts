import { Resource } from "sst";

/** The SST stage this function belongs to (`Resource.App`, which SST links to every function). */
export const stageName = (): string => Resource.App.stage;
