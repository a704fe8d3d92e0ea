/** Pulumi type tokens of the resources a generation declares (kept apart so code without Pulumi loaded can use them). */
export const INSTANCE_TYPE = "aws:rds/instance:Instance";
export const RECORD_TYPE = "aws:route53/record:Record";
export const PROVIDER_TYPE = "pulumi:providers:aws";
export const CLUSTER_TYPE = "aws:rds/cluster:Cluster";
export const CLUSTER_INSTANCE_TYPE = "aws:rds/clusterInstance:ClusterInstance";
