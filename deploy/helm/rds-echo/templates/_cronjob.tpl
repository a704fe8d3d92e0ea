{{/*
One CronJob for (dict "root" $ "name" <object name> "echo" <echo or ""> "echoes" <names for the deadline>
"atOnce" <echoes at once> "schedule" … "promote" … "retire" … "roleArn" <the echo's own role, or "">); an echo
with its own role runs as the ServiceAccount of its name (serviceaccount.yaml). A fleet CronJob has echo "".
*/}}
{{- define "rds-echo.cronjob" -}}
{{- $root := .root -}}
{{- $v := $root.Values -}}
{{- $args := list "up" -}}
{{- if .echo -}}
{{- $args = append $args .echo -}}
{{- else -}}
{{- $args = concat $args (list "--all" "--parallel" (toString .atOnce)) -}}
{{- end -}}
{{- if .promote -}}{{- $args = append $args "--promote" -}}{{- end -}}
{{- if .retire -}}{{- $args = append $args "--retire" -}}{{- end -}}
{{- $args = concat $args (list "--yes") ($v.extraArgs | default list) -}}
apiVersion: batch/v1
kind: CronJob
metadata:
  name: {{ .name }}
  labels:
    {{- include "rds-echo.labels" $root | nindent 4 }}
    app.kubernetes.io/component: {{ .echo | default "fleet" | quote }}
spec:
  schedule: {{ .schedule | quote }}
  {{- with $v.timeZone }}
  timeZone: {{ . | quote }}
  {{- end }}
  # One run at a time: while a run (possibly a restore of many hours) is active, the next scheduled one is skipped.
  # rds-echo's lease on the backend holds across hosts as well, so a run started elsewhere says busy and exits 0.
  concurrencyPolicy: Forbid
  startingDeadlineSeconds: {{ $v.startingDeadlineSeconds | int }}
  successfulJobsHistoryLimit: {{ $v.successfulJobsHistoryLimit | int }}
  failedJobsHistoryLimit: {{ $v.failedJobsHistoryLimit | int }}
  jobTemplate:
    metadata:
      labels:
        {{- include "rds-echo.selectorLabels" $root | nindent 8 }}
        app.kubernetes.io/component: {{ .echo | default "fleet" | quote }}
    spec:
      # Above the longest restore (timeouts.create) plus what follows it: a run is never killed while rds-echo may
      # still be waiting for RDS; past its own budget rds-echo stops by itself (exit 1) and the next run waits on.
      activeDeadlineSeconds: {{ include "rds-echo.activeDeadlineSeconds" (dict "root" $root "echoes" .echoes "atOnce" .atOnce) }}
      backoffLimit: {{ $v.backoffLimit | int }}
      podFailurePolicy:
        rules:
          # Exit 2 is bad input (a definition, a flag, a missing secret): a retry fails the same way.
          - action: FailJob
            onExitCodes: { containerName: rds-echo, operator: In, values: [2] }
          # An evicted or preempted pod is not the run's failure: the Job starts another without counting it.
          - action: Ignore
            onPodConditions: [{ type: DisruptionTarget }]
      template:
        metadata:
          labels:
            {{- include "rds-echo.selectorLabels" $root | nindent 12 }}
            app.kubernetes.io/component: {{ .echo | default "fleet" | quote }}
            {{- with $v.podLabels }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          {{- with $v.podAnnotations }}
          annotations:
            {{- toYaml . | nindent 12 }}
          {{- end }}
        spec:
          restartPolicy: Never
          serviceAccountName: {{ if and .roleArn $v.serviceAccount.create }}{{ .name }}{{ else }}{{ include "rds-echo.serviceAccountName" $root }}{{ end }}
          # rds-echo never calls the Kubernetes API; EKS's IRSA webhook mounts its own web-identity token.
          automountServiceAccountToken: false
          terminationGracePeriodSeconds: {{ $v.terminationGracePeriodSeconds | int }}
          {{- with $v.imagePullSecrets }}
          imagePullSecrets:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          {{- with $v.podSecurityContext }}
          securityContext:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          containers:
            - name: rds-echo
              image: {{ include "rds-echo.image" $root | quote }}
              imagePullPolicy: {{ $v.image.pullPolicy }}
              workingDir: {{ $v.workingDir | quote }}
              args:
                {{- range $args }}
                - {{ . | quote }}
                {{- end }}
              env:
                - name: PULUMI_BACKEND_URL
                  value: {{ $v.backend.url | quote }}
                {{- if $v.secrets.passphraseKey }}
                - name: PULUMI_CONFIG_PASSPHRASE_FILE
                  value: {{ printf "%s/%s" $v.secrets.mountPath $v.secrets.passphraseKey | quote }}
                {{- end }}
                {{- range $name, $key := $v.secrets.files }}
                - name: {{ printf "RDS_ECHO_SECRET_%s_FILE" $name }}
                  value: {{ printf "%s/%s" $v.secrets.mountPath $key | quote }}
                {{- end }}
                {{- range $name, $key := $v.secrets.signerFiles }}
                - name: {{ printf "RDS_ECHO_SIGNER_%s_FILE" $name }}
                  value: {{ printf "%s/%s" $v.secrets.mountPath $key | quote }}
                {{- end }}
                {{- with $v.leaseTtlSeconds }}
                - name: RDS_ECHO_LEASE_TTL
                  value: {{ . | toString | quote }}
                {{- end }}
                # The lease names its holder by pod (README, Shared backends): every run is another host.
                - name: POD_NAME
                  valueFrom: { fieldRef: { fieldPath: metadata.name } }
                - name: POD_NAMESPACE
                  valueFrom: { fieldRef: { fieldPath: metadata.namespace } }
                {{- with $v.env }}
                {{- toYaml . | nindent 16 }}
                {{- end }}
              resources:
                {{- include "rds-echo.resources" (dict "root" $root "atOnce" .atOnce) | nindent 16 }}
              {{- with $v.securityContext }}
              securityContext:
                {{- toYaml . | nindent 16 }}
              {{- end }}
              volumeMounts:
                - name: tmp
                  mountPath: /tmp
                {{- if include "rds-echo.secretName" $root }}
                - name: secrets
                  mountPath: {{ $v.secrets.mountPath | quote }}
                  readOnly: true
                {{- end }}
                {{- if eq $v.definitions.source "configMap" }}
                - name: definitions
                  mountPath: {{ printf "%s/stacks" $v.workingDir | quote }}
                  readOnly: true
                {{- end }}
          volumes:
            - name: tmp
              emptyDir: {}
            {{- with include "rds-echo.secretName" $root }}
            - name: secrets
              secret:
                secretName: {{ . }}
                # Readable by the run's group (fsGroup) only.
                defaultMode: 0440
            {{- end }}
            {{- if eq $v.definitions.source "configMap" }}
            - name: definitions
              configMap:
                name: {{ include "rds-echo.configMapName" $root }}
                {{- if not $v.definitions.existingConfigMap }}
                # ConfigMap keys cannot hold a "/": each file is stored under a flattened key and mounted at its path.
                items:
                  {{- range $path, $_ := $v.definitions.files }}
                  - key: {{ include "rds-echo.configMapKey" $path }}
                    path: {{ $path | quote }}
                  {{- end }}
                {{- end }}
            {{- end }}
          {{- with $v.nodeSelector }}
          nodeSelector:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          {{- with $v.tolerations }}
          tolerations:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          {{- with $v.affinity }}
          affinity:
            {{- toYaml . | nindent 12 }}
          {{- end }}
{{- end -}}
