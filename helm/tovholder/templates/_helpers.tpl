{{/* Names ------------------------------------------------------------------------------ */}}

{{- define "tovholder.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "tovholder.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "tovholder.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels; "component" is web, worker, beat or migrations. Call with (dict "root" . "component" "web"). */}}
{{- define "tovholder.labels" -}}
helm.sh/chart: {{ include "tovholder.chart" .root }}
{{ include "tovholder.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: tovholder
{{- end }}

{{- define "tovholder.selectorLabels" -}}
app.kubernetes.io/name: {{ include "tovholder.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- if .component }}
app.kubernetes.io/component: {{ .component }}
{{- end }}
{{- end }}

{{- define "tovholder.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end }}

{{- define "tovholder.configMapName" -}}
{{ include "tovholder.fullname" . }}-config
{{- end }}

{{- define "tovholder.secretName" -}}
{{ .Values.secrets.existingSecret | default (printf "%s-secrets" (include "tovholder.fullname" .)) }}
{{- end }}

{{/* Keys of the Secret that become NAME_FILE variables, as a comma-separated list. */}}
{{- define "tovholder.secretKeys" -}}
{{- if .Values.secrets.existingSecret }}
{{- join "," .Values.secrets.existingSecretKeys }}
{{- else }}
{{- $keys := list "SECRET_KEY" }}
{{- range $key := list "DATABASE_URL" "REDIS_URL" "SENTRY_DSN" "AWS_ACCESS_KEY_ID" "AWS_SECRET_ACCESS_KEY" "EMAIL_HOST_PASSWORD" "STRIPE_API_KEY" "STRIPE_WEBHOOK_SECRET" "TENANT_ARCHIVE_KEY" "CITIZENS_FIELD_KEYS" }}
{{- if index $.Values.secrets $key }}
{{- $keys = append $keys $key }}
{{- end }}
{{- end }}
{{- join "," $keys }}
{{- end }}
{{- end }}

{{/* Host names ------------------------------------------------------------------------ */}}

{{/* ALLOWED_HOSTS: the base domain and its sub-domains, the console, tenants' own domains. */}}
{{- define "tovholder.allowedHosts" -}}
{{- $hosts := list (printf ".%s" .Values.baseDomain) .Values.baseDomain }}
{{- range (concat .Values.consoleHosts .Values.extraHosts) }}
{{- if not (hasSuffix (printf ".%s" $.Values.baseDomain) .) }}
{{- $hosts = append $hosts . }}
{{- end }}
{{- end }}
{{- join "," ($hosts | uniq) }}
{{- end }}

{{/* Pod spec pieces shared by web, worker, beat and migrations ---------------------------- */}}

{{/* Pod-level settings. Call with (dict "root" . "part" .Values.web). */}}
{{- define "tovholder.podSpecCommon" -}}
{{- with .root.Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .root.Values.serviceAccountName }}
serviceAccountName: {{ . }}
{{- end }}
# The application never talks to the Kubernetes API.
automountServiceAccountToken: false
securityContext:
  {{- toYaml .root.Values.podSecurityContext | nindent 2 }}
{{- with .part.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .part.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .part.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{/* Container settings: image, security context, the ConfigMap. */}}
{{- define "tovholder.containerCommon" -}}
image: {{ include "tovholder.image" . }}
imagePullPolicy: {{ .Values.image.pullPolicy }}
securityContext:
  {{- toYaml .Values.securityContext | nindent 2 }}
envFrom:
  - configMapRef:
      name: {{ include "tovholder.configMapName" . }}
{{- end }}

{{/* Items of `env:`: NAME_FILE for each secret key, then extraEnv. */}}
{{- define "tovholder.env" -}}
{{- range $key := splitList "," (include "tovholder.secretKeys" .) }}
{{- if $key }}
- name: {{ $key }}_FILE
  value: {{ printf "%s/%s" $.Values.secrets.mountPath $key | quote }}
{{- end }}
{{- end }}
{{- range $name, $value := .Values.extraEnv }}
- name: {{ $name }}
  value: {{ $value | toString | quote }}
{{- end }}
{{- end }}

{{/* Items of `volumeMounts:`. */}}
{{- define "tovholder.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
- name: secrets
  mountPath: {{ .Values.secrets.mountPath }}
  readOnly: true
- name: media
  mountPath: /data/media
{{- end }}

{{- define "tovholder.volumes" -}}
- name: tmp
  emptyDir:
    sizeLimit: {{ .Values.tmpSizeLimit }}
- name: secrets
  secret:
    secretName: {{ include "tovholder.secretName" . }}
    defaultMode: 0440
- name: media
  {{- if .Values.media.existingClaim }}
  persistentVolumeClaim:
    claimName: {{ .Values.media.existingClaim }}
  {{- else }}
  emptyDir: {}
  {{- end }}
{{- end }}

{{/* Roll the pods when the configuration or the chart-made Secret changes. */}}
{{- define "tovholder.checksums" -}}
checksum/config: {{ include (print .Template.BasePath "/configmap.yaml") . | sha256sum }}
{{- if not .Values.secrets.existingSecret }}
checksum/secrets: {{ include (print .Template.BasePath "/secret.yaml") . | sha256sum }}
{{- end }}
{{- end }}
