/** Pulumi type tokens of the resources a generation declares (kept apart so code without Pulumi loaded can use them). */
export const INSTANCE_TYPE = "aws:rds/instance:Instance";
export const RECORD_TYPE = "aws:route53/record:Record";
export const PROVIDER_TYPE = "pulumi:providers:aws";

/** Logical names: fixed forever, since renaming one would make Pulumi replace the resource. */
export const INSTANCE_RESOURCE = "db";
export const CNAME_RESOURCE = "cname";
export const PROVIDER_RESOURCE = "aws";
export const CLUSTER_TYPE = "aws:rds/cluster:Cluster";
export const CLUSTER_INSTANCE_TYPE = "aws:rds/clusterInstance:ClusterInstance";
