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
# secretsProvider: passphrase    # what encrypts new generations' secrets: passphrase, or awskms://alias/<name>?region=<region>

source:
  instance: ""                   # required: the production DB instance whose snapshots are echoed
#   snapshotTypes: [automated, manual]   # which snapshots count: automated, manual, shared, awsbackup (made by AWS Backup)
#   snapshot: my-snapshot        # pin an explicit snapshot id or ARN (one another account shares) instead of the latest
#   from: latest-snapshot        # latest-snapshot | new-snapshot (taken now) | point-in-time (README: Where the data comes from)
#   pointInTime: latest          # with from: point-in-time: latest, or a UTC time such as 2026-11-25T03:00:00Z
#   keep: 0                      # snapshots rds-echo made (new-snapshot, copy) kept after their generation is retired
#   copy:                        # copy the snapshot into this account and region under this account's key, restore the copy
#     kmsKeyId: arn:aws:kms:eu-west-1:123456789012:key/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0   # a key ARN in region
#     region: eu-central-1       # where the source's snapshots are, when not in region
#   assumeRole:                  # with new-snapshot and copy: a role in the source's account to take the snapshot there
#     roleArn: arn:aws:iam::210987654321:role/rds-echo-source
#     externalId: rds-echo       # when the role's trust policy asks for one

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
#     pageUrl: https://approvals.example.com/rds-echo.html   # the confirmation page (\`rds-echo approval page\`): e-mails
#                                # link to it, so a mail scanner opening links decides nothing; unset: e-mails carry the signed links

# retire:
#   skipFinalSnapshot: false     # true: no final snapshot when a forgotten generation is destroyed
#   finalSnapshotName: "{generation}-final"   # placeholders: {echo}, {generation}
#   keep: 1                      # forgotten generations kept: what \`rds-echo rollback ${echo}\` can go back to
#   keepFinalSnapshots: 3        # keep this echo's newest 3 final snapshots, delete older ones after a retire (default: keep all)
#   archiveAfter: 3d             # then a retired generation's history moves to the echo's archive and its stack is removed ("never": keep listed)

# notify:                        # short messages about runs nobody watches (cron)
#   on: [failure]                # failure, waiting (for approval or --promote), promoted, retired
#   sns: arn:aws:sns:eu-west-1:123456789012:db-refresh   # an SNS topic
#   webhook: { url: { secret: slackWebhook } }           # Slack-compatible JSON POST; URL in RDS_ECHO_SECRET_SLACK_WEBHOOK
#   email: { from: refresh@example.com, to: [dba@example.com] }   # through SES; from: a verified identity

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
#   env: [SCRUB_API_TOKEN]       # variables run: hooks get too; all others (AWS_*, PULUMI_*, …) are withheld

# guard:
#   minAgeHours: 20              # no new generation while the newest is younger than this

# timeouts:
#   create: 48h                  # a restore can take more than a day
#   update: 8h
#   delete: 4h
`;
}
