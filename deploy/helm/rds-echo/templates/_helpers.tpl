{{/* Names and labels, as `helm create` lays them out. */}}
{{- define "rds-echo.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "rds-echo.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "rds-echo.selectorLabels" -}}
app.kubernetes.io/name: {{ include "rds-echo.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "rds-echo.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "rds-echo.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "rds-echo.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "rds-echo.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- required "serviceAccount.name: name the ServiceAccount the runs use when serviceAccount.create is false" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "rds-echo.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion (toString .Values.image.tag)) -}}
{{- end -}}
{{- end -}}

{{/*
A duration as rds-echo writes it (2d, 48h, 90m, 1d12h, 1h30m: src/definition/duration.ts) in minutes.
Called with (dict "value" <text> "what" <where it came from>); refuses anything else, naming where it came from.
*/}}
{{- define "rds-echo.minutes" -}}
{{- $t := trim (toString .value) -}}
{{- if or (eq $t "") (not (regexMatch "^([0-9]+d)?([0-9]+h)?([0-9]+m)?$" $t)) -}}
{{- fail (printf "%s: %q is not a duration such as 48h, 2d, 90m or 1d12h" .what $t) -}}
{{- end -}}
{{- $d := regexFind "[0-9]+d" $t | trimSuffix "d" | default "0" | atoi -}}
{{- $h := regexFind "[0-9]+h" $t | trimSuffix "h" | default "0" | atoi -}}
{{- $m := regexFind "[0-9]+m" $t | trimSuffix "m" | default "0" | atoi -}}
{{- $total := add (mul $d 1440) (mul $h 60) $m -}}
{{- if le $total 0 -}}{{- fail (printf "%s: %q is not a positive duration" .what $t) -}}{{- end -}}
{{- $total -}}
{{- end -}}

{{/* The echoes the chart knows, as a JSON list: values.echoes' names, else the top-level definitions in files. */}}
{{- define "rds-echo.echoNames" -}}
{{- $names := list -}}
{{- if .Values.echoes -}}
{{- $names = keys .Values.echoes | sortAlpha -}}
{{- else -}}
{{- range $path, $_ := .Values.definitions.files -}}
{{- if regexMatch "^[^/]+\\.ya?ml$" $path -}}
{{- $names = append $names (regexReplaceAll "\\.ya?ml$" $path "") -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- sortAlpha $names | toJson -}}
{{- end -}}

{{/*
An echo's longest restore in minutes: its definition's timeouts.create when the chart holds the definition (rds-echo's
default 48h when the definition sets none), else values.timeoutsCreate.
*/}}
{{- define "rds-echo.restoreMinutes" -}}
{{- $root := .root -}}
{{- $files := $root.Values.definitions.files | default dict -}}
{{- $file := "" -}}
{{- range $ext := list "yaml" "yml" -}}
{{- if hasKey $files (printf "%s.%s" $.echo $ext) -}}{{- $file = printf "%s.%s" $.echo $ext -}}{{- end -}}
{{- end -}}
{{- if $file -}}
{{- $definition := fromYaml (index $files $file) -}}
{{- if hasKey $definition "Error" -}}
{{- fail (printf "definitions.files.%s: not YAML the chart can read: %s" $file (index $definition "Error")) -}}
{{- end -}}
{{- $create := dig "timeouts" "create" "48h" $definition -}}
{{- include "rds-echo.minutes" (dict "value" $create "what" (printf "definitions.files.%s timeouts.create" $file)) -}}
{{- else -}}
{{- include "rds-echo.minutes" (dict "value" $root.Values.timeoutsCreate "what" "timeoutsCreate") -}}
{{- end -}}
{{- end -}}

{{/*
The Job's activeDeadlineSeconds for (dict "root" $ "echoes" <names> "atOnce" <n>): the longest restore plus the
margin, times the waves a run needs (echoes queue behind --parallel, each one's restore holding its slot). An
explicit value must be above it.
*/}}
{{- define "rds-echo.activeDeadlineSeconds" -}}
{{- $root := .root -}}
{{- $longest := include "rds-echo.minutes" (dict "value" $root.Values.timeoutsCreate "what" "timeoutsCreate") | atoi -}}
{{- if .echoes -}}{{- $longest = 0 -}}{{- end -}}
{{- range $echo := .echoes -}}
{{- $longest = max $longest (include "rds-echo.restoreMinutes" (dict "root" $root "echo" $echo) | atoi) -}}
{{- end -}}
{{- $margin := include "rds-echo.minutes" (dict "value" $root.Values.deadlineMargin "what" "deadlineMargin") | atoi -}}
{{- $count := max 1 (len .echoes) -}}
{{- $waves := div (add $count .atOnce -1) .atOnce -}}
{{- $derived := mul $waves (add $longest $margin) 60 -}}
{{- $explicit := toString $root.Values.activeDeadlineSeconds -}}
{{- if $explicit -}}
{{- if le (atoi $explicit) $derived -}}
{{- fail (printf "activeDeadlineSeconds: %s s would stop a run rds-echo may still be waiting in: the longest restore (timeouts.create) is %d min, plus deadlineMargin %d min, times %d wave(s) of --parallel %d = %d s; give more, or leave it empty" $explicit $longest $margin $waves .atOnce $derived) -}}
{{- end -}}
{{- atoi $explicit -}}
{{- else -}}
{{- $derived -}}
{{- end -}}
{{- end -}}

{{/* Memory and cpu from the measured figures (values.yaml, resources) for <n> echoes at once, unless given. */}}
{{- define "rds-echo.resources" -}}
{{- if .root.Values.resources -}}
{{- toYaml .root.Values.resources -}}
{{- else -}}
requests:
  cpu: 250m
  memory: {{ add 512 (mul 512 .atOnce) }}Mi
limits:
  memory: {{ add 512 (mul 1024 .atOnce) }}Mi
{{- end -}}
{{- end -}}

{{/* The Secret mounted at secrets.mountPath: existingSecret, the chart's own (secrets.create), or none. */}}
{{- define "rds-echo.secretName" -}}
{{- if .Values.secrets.existingSecret -}}
{{- .Values.secrets.existingSecret -}}
{{- else if .Values.secrets.create -}}
{{- printf "%s-secrets" (include "rds-echo.fullname" .) -}}
{{- end -}}
{{- end -}}

{{- define "rds-echo.configMapName" -}}
{{- default (printf "%s-definitions" (include "rds-echo.fullname" .)) .Values.definitions.existingConfigMap -}}
{{- end -}}

{{/* A path under stacks/ as a ConfigMap key (keys allow only [-._a-zA-Z0-9]). */}}
{{- define "rds-echo.configMapKey" -}}
{{- regexReplaceAll "[^-._a-zA-Z0-9]" . "_" -}}
{{- end -}}

{{/* The secret keys the runs read (passphrase, RDS_ECHO_SECRET_*, RDS_ECHO_SIGNER_*), as a JSON list. */}}
{{- define "rds-echo.secretKeys" -}}
{{- $keys := list -}}
{{- with .Values.secrets.passphraseKey -}}{{- $keys = append $keys . -}}{{- end -}}
{{- range $_, $key := .Values.secrets.files -}}{{- $keys = append $keys $key -}}{{- end -}}
{{- range $_, $key := .Values.secrets.signerFiles -}}{{- $keys = append $keys $key -}}{{- end -}}
{{- toJson $keys -}}
{{- end -}}

{{/* Everything a render must refuse, each failure naming the value to fix. */}}
{{- define "rds-echo.validate" -}}
{{- $v := .Values -}}
{{- $url := toString $v.backend.url -}}
{{- if not $url -}}
{{- fail "backend.url: give the Pulumi backend every run shares, e.g. s3://acme-rds-echo-state?region=eu-west-1 (README, Shared backends)" -}}
{{- end -}}
{{- if hasPrefix "file:" $url -}}
{{- fail (printf "backend.url: %s is a directory inside the pod, lost when the pod ends; use a shared backend (s3://…)" $url) -}}
{{- end -}}
{{- $keys := include "rds-echo.secretKeys" . | fromJsonArray -}}
{{- if and $keys (not (include "rds-echo.secretName" .)) -}}
{{- fail (printf "secrets.existingSecret: the runs read secret keys %s; name the Secret holding them (or secrets.create with secrets.data to try the chart)" (join ", " $keys)) -}}
{{- end -}}
{{- if and $v.secrets.create $v.secrets.existingSecret -}}
{{- fail "secrets: give existingSecret or create, not both" -}}
{{- end -}}
{{- if $v.secrets.create -}}
{{- range $key := $keys -}}
{{- if not (hasKey $v.secrets.data $key) -}}
{{- fail (printf "secrets.data: no %q, which the runs read (secrets.passphraseKey, secrets.files, secrets.signerFiles)" $key) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- if eq $v.definitions.source "configMap" -}}
{{- if and $v.definitions.files $v.definitions.existingConfigMap -}}
{{- fail "definitions: give files or existingConfigMap, not both" -}}
{{- end -}}
{{- if not (or $v.definitions.files $v.definitions.existingConfigMap) -}}
{{- fail "definitions: source configMap needs definitions.files (--set-file definitions.files.<echo>\\.yaml=stacks/<echo>.yaml) or definitions.existingConfigMap; or source: image for a derived image" -}}
{{- end -}}
{{- $seen := dict -}}
{{- range $path, $_ := $v.definitions.files -}}
{{- if or (hasPrefix "/" $path) (contains ".." $path) -}}
{{- fail (printf "definitions.files: %q must be a relative path under stacks/" $path) -}}
{{- end -}}
{{- $key := include "rds-echo.configMapKey" $path -}}
{{- if hasKey $seen $key -}}
{{- fail (printf "definitions.files: %q and %q would share the ConfigMap key %q; rename one" (index $seen $key) $path $key) -}}
{{- end -}}
{{- $_ := set $seen $key $path -}}
{{- end -}}
{{- else if $v.definitions.files -}}
{{- fail "definitions.files: given with source image, which mounts nothing; use source: configMap, or bake them into the image" -}}
{{- end -}}
{{- $parallel := int $v.parallel -}}
{{- if or (lt $parallel 1) (gt $parallel 64) -}}
{{- fail (printf "parallel: %v is not 1 to 64 (rds-echo's --parallel)" $v.parallel) -}}
{{- end -}}
{{- end -}}
