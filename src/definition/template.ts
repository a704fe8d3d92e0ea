/**
 * The commented template written by `rds-echo config <echo>`. Required values are left empty (`""`) so that the
 * definition does not validate until someone fills them; everything optional is shown commented out with its default.
 * A section that is all optional is commented out with its header, so uncommenting a key (and its header) is valid
 * YAML: no `{}` placeholder that a key below would contradict.
 */
export const REQUIRED_KEYS = ["region", "source.instance", "instance.class"] as const;

export function definitionTemplate(echo: string): string {
  return `# rds-echo definition of the echo "${echo}".
# Each generation is restored into an RDS instance named ${echo}-<yyyymmdd>-<hhmm> (UTC) and is one Pulumi stack.
# Fill the values marked "required", then check it offline with: rds-echo plan ${echo}
# To copy an Aurora cluster instead (restored from its latest cluster snapshot, or cloned in minutes), replace
# source.instance and instance: with source.cluster and cluster: (README, "Aurora clusters"; stacks/analytics.yaml).

region: ""                       # required: AWS region of the source instance, e.g. eu-west-1
# profile: default               # AWS shared-config profile to use (default: the usual credential chain)

source:
  instance: ""                   # required: the production DB instance whose snapshots are echoed
#   snapshotTypes: [automated, manual]   # which snapshots count: automated, manual, shared
#   snapshot: my-snapshot        # pin an explicit snapshot id or ARN instead of the latest available one

instance:                        # restore-time settings (RDS accepts these when it creates the instance)
  class: ""                      # required: instance class, e.g. db.t3.medium
#   availabilityZone: eu-west-1a
#   multiAz: false
#   storageType: gp3            # standard | gp2 | gp3 | io1 | io2
#   iops: 3000
#   port: 5432
#   subnetGroup: my-db-subnets   # DB subnet group (decides the VPC)
#   optionGroup: my-options
#   autoMinorVersionUpgrade: true
#   publiclyAccessible: false
#   licenseModel: postgresql-license
#   copyTagsToSnapshot: true
#   tags:                        # your tags; echo:* tags are added by rds-echo
#     team: platform

# modify:                        # settings RDS only accepts after create (applied by \`rds-echo modify\`)
#   parameterGroup: my-params
#   vpcSecurityGroupIds: [sg-0123456789abcdef0]
#   backupRetentionPeriod: 0
#   masterPassword: { secret: masterPassword }   # a Pulumi secret, never the password itself
#   caCertificate: rds-ca-rsa2048-g1
#   iamDatabaseAuthentication: true
#   monitoring: { interval: 60, roleArn: "arn:aws:iam::123456789012:role/rds-monitoring" }
#   deletionProtection: false

# promote:                       # where the promoted generation is served
#   cname: ${echo}.db.example.com  # fully qualified CNAME
#   zoneId: Z0123456789ABCDEFGHIJ  # or zoneName: db.example.com; omitted: looked up from the cname
#   ttl: 60
#   tags: {}                     # tags added to the instance while it is promoted
#   approval:                    # ask before promoting: \`rds-echo promote ${echo} --request\` sends signed links
#     approvers: [alice@example.com]   # who may approve when --approver names nobody
#     required: 1                # approvals needed
#     expires: 3d                # how long the links stay valid (at most 7d)
#     email:
#       from: rds-echo@example.com     # a verified SES identity; set it to e-mail the links

# retire:
#   skipFinalSnapshot: false     # true: no final snapshot when a forgotten generation is destroyed
#   finalSnapshotName: "{generation}-final"   # placeholders: {echo}, {generation}
#   keep: 1                      # forgotten generations kept for rollback

# hooks:                         # run against each new generation before it can be promoted (README: Hooks)
#   # The scrub: once, after reboot, in order; a failed hook is rerun by the next up. sql: a file under stacks/ (or
#   # inline SQL), one transaction where the engine allows; run: any command, given PGHOST… or MYSQL_HOST….
#   afterRestore: [{ sql: scrub/anonymize.sql }, { run: ./scrub/extra.sh }]
#   # The health check, at every promotion attempt.
#   beforePromote: [{ sql: "select count(*) from users", timeout: 60s }]
#   database: app                # default: the instance's DBName, else postgres / mysql
#   user: postgres               # default: the instance's master user
#   tls: true                    # verify the server against the RDS CA bundle
#   ca: certs/my-ca.pem          # another CA bundle instead

# guard:
#   minAgeHours: 20              # no new generation while the newest is younger than this

# timeouts:
#   create: 48h                  # a restore can take more than a day
#   update: 8h
#   delete: 4h
`;
}
