/**
 * The recipe as a Pulumi program: `pulumi up` in deploy/aws-ecs (see README.md there). The configuration is read and
 * checked once (config.ts); the resources are recipe.ts.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { recipeArgs } from "./config.js";
import { rdsEchoOnEcs } from "./recipe.js";

const config = new pulumi.Config();
const region = aws.config.region;
if (!region) throw new Error("config aws:region: required (the region of the echoes and of the state bucket)");
const outputs = rdsEchoOnEcs(recipeArgs((key) => config.getObject(key) ?? config.get(key), region, process.cwd()));

export const backendUrl = outputs.backendUrl;
export const secretsProvider = outputs.secretsProvider;
export const bucket = outputs.bucket;
export const logGroup = outputs.logGroup;
export const cluster = outputs.cluster;
export const secretNames = outputs.secretNames;
export const schedules = outputs.schedules;
