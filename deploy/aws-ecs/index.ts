/**
 * The recipe as a Pulumi program: `pulumi up` in deploy/aws-ecs (see README.md there). The configuration is read and
 * checked once (config.ts); the resources are recipe.ts.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { recipeArgs, STRUCTURED_KEYS } from "./config.js";
import { rdsEchoOnEcs } from "./recipe.js";

const config = new pulumi.Config();
const region = aws.config.region;
if (!region) throw new Error("config aws:region: required (the region of the echoes and of the state bucket)");
// getObject JSON-parses, and a plain text value such as the image is not JSON: each key is read the way it is written.
const read = (key: string) => (STRUCTURED_KEYS.has(key) ? config.getObject(key) : config.get(key));
const outputs = rdsEchoOnEcs(recipeArgs(read, region, process.cwd()));

export const backendUrl = outputs.backendUrl;
export const secretsProvider = outputs.secretsProvider;
export const bucket = outputs.bucket;
export const logGroup = outputs.logGroup;
export const cluster = outputs.cluster;
export const secretNames = outputs.secretNames;
export const schedules = outputs.schedules;
