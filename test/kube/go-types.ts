// The Go types (k8s.io/api, v1.34) of the built-in kinds the operator owns, as the Go source
// declares them: field name, Go type, json tag. The API server decodes every write into these
// structs and encodes them back, so what it stores follows from three facts per field, which
// the OpenAPI documents do not carry: the json name, `omitempty`, and whether it is a pointer.
// Only the fields that matter to what a client sends are listed (spec and client metadata;
// status is left as given). Enum types are written as their underlying `string`, and
// package qualifiers are left out. Keep this text checkable against the Go source.

const GO_SOURCE = `
type ObjectMeta struct {
	Name string \`json:"name,omitempty"\`
	GenerateName string \`json:"generateName,omitempty"\`
	Namespace string \`json:"namespace,omitempty"\`
	Labels map[string]string \`json:"labels,omitempty"\`
	Annotations map[string]string \`json:"annotations,omitempty"\`
	OwnerReferences []OwnerReference \`json:"ownerReferences,omitempty"\`
	Finalizers []string \`json:"finalizers,omitempty"\`
}

type OwnerReference struct {
	APIVersion string \`json:"apiVersion"\`
	Kind string \`json:"kind"\`
	Name string \`json:"name"\`
	UID string \`json:"uid"\`
	Controller *bool \`json:"controller,omitempty"\`
	BlockOwnerDeletion *bool \`json:"blockOwnerDeletion,omitempty"\`
}

type LabelSelector struct {
	MatchLabels map[string]string \`json:"matchLabels,omitempty"\`
	MatchExpressions []LabelSelectorRequirement \`json:"matchExpressions,omitempty"\`
}

type LabelSelectorRequirement struct {
	Key string \`json:"key"\`
	Operator string \`json:"operator"\`
	Values []string \`json:"values,omitempty"\`
}

type Deployment struct {
	ObjectMeta \`json:"metadata,omitempty"\`
	Spec DeploymentSpec \`json:"spec,omitempty"\`
}

type DeploymentSpec struct {
	Replicas *int32 \`json:"replicas,omitempty"\`
	Selector *LabelSelector \`json:"selector"\`
	Template PodTemplateSpec \`json:"template"\`
	Strategy DeploymentStrategy \`json:"strategy,omitempty"\`
	MinReadySeconds int32 \`json:"minReadySeconds,omitempty"\`
	RevisionHistoryLimit *int32 \`json:"revisionHistoryLimit,omitempty"\`
	Paused bool \`json:"paused,omitempty"\`
	ProgressDeadlineSeconds *int32 \`json:"progressDeadlineSeconds,omitempty"\`
}

type DeploymentStrategy struct {
	Type string \`json:"type,omitempty"\`
	RollingUpdate *RollingUpdateDeployment \`json:"rollingUpdate,omitempty"\`
}

type RollingUpdateDeployment struct {
	MaxUnavailable *IntOrString \`json:"maxUnavailable,omitempty"\`
	MaxSurge *IntOrString \`json:"maxSurge,omitempty"\`
}

type DaemonSet struct {
	ObjectMeta \`json:"metadata,omitempty"\`
	Spec DaemonSetSpec \`json:"spec,omitempty"\`
}

type DaemonSetSpec struct {
	Selector *LabelSelector \`json:"selector"\`
	Template PodTemplateSpec \`json:"template"\`
	UpdateStrategy DaemonSetUpdateStrategy \`json:"updateStrategy,omitempty"\`
	MinReadySeconds int32 \`json:"minReadySeconds,omitempty"\`
	RevisionHistoryLimit *int32 \`json:"revisionHistoryLimit,omitempty"\`
}

type DaemonSetUpdateStrategy struct {
	Type string \`json:"type,omitempty"\`
	RollingUpdate *RollingUpdateDaemonSet \`json:"rollingUpdate,omitempty"\`
}

type RollingUpdateDaemonSet struct {
	MaxUnavailable *IntOrString \`json:"maxUnavailable,omitempty"\`
	MaxSurge *IntOrString \`json:"maxSurge,omitempty"\`
}

type Pod struct {
	ObjectMeta \`json:"metadata,omitempty"\`
	Spec PodSpec \`json:"spec,omitempty"\`
}

type PodTemplateSpec struct {
	ObjectMeta \`json:"metadata,omitempty"\`
	Spec PodSpec \`json:"spec,omitempty"\`
}

type PodSpec struct {
	Volumes []Volume \`json:"volumes,omitempty"\`
	InitContainers []Container \`json:"initContainers,omitempty"\`
	Containers []Container \`json:"containers"\`
	RestartPolicy string \`json:"restartPolicy,omitempty"\`
	TerminationGracePeriodSeconds *int64 \`json:"terminationGracePeriodSeconds,omitempty"\`
	ActiveDeadlineSeconds *int64 \`json:"activeDeadlineSeconds,omitempty"\`
	DNSPolicy string \`json:"dnsPolicy,omitempty"\`
	NodeSelector map[string]string \`json:"nodeSelector,omitempty"\`
	ServiceAccountName string \`json:"serviceAccountName,omitempty"\`
	DeprecatedServiceAccount string \`json:"serviceAccount,omitempty"\`
	AutomountServiceAccountToken *bool \`json:"automountServiceAccountToken,omitempty"\`
	NodeName string \`json:"nodeName,omitempty"\`
	HostNetwork bool \`json:"hostNetwork,omitempty"\`
	HostPID bool \`json:"hostPID,omitempty"\`
	HostIPC bool \`json:"hostIPC,omitempty"\`
	ShareProcessNamespace *bool \`json:"shareProcessNamespace,omitempty"\`
	SecurityContext *PodSecurityContext \`json:"securityContext,omitempty"\`
	ImagePullSecrets []LocalObjectReference \`json:"imagePullSecrets,omitempty"\`
	Hostname string \`json:"hostname,omitempty"\`
	Subdomain string \`json:"subdomain,omitempty"\`
	Affinity *Affinity \`json:"affinity,omitempty"\`
	SchedulerName string \`json:"schedulerName,omitempty"\`
	Tolerations []Toleration \`json:"tolerations,omitempty"\`
	PriorityClassName string \`json:"priorityClassName,omitempty"\`
	Priority *int32 \`json:"priority,omitempty"\`
	RuntimeClassName *string \`json:"runtimeClassName,omitempty"\`
	EnableServiceLinks *bool \`json:"enableServiceLinks,omitempty"\`
	PreemptionPolicy *string \`json:"preemptionPolicy,omitempty"\`
	Overhead ResourceList \`json:"overhead,omitempty"\`
	TopologySpreadConstraints []TopologySpreadConstraint \`json:"topologySpreadConstraints,omitempty"\`
	SetHostnameAsFQDN *bool \`json:"setHostnameAsFQDN,omitempty"\`
	HostUsers *bool \`json:"hostUsers,omitempty"\`
	Resources *ResourceRequirements \`json:"resources,omitempty"\`
}

type Container struct {
	Name string \`json:"name"\`
	Image string \`json:"image,omitempty"\`
	Command []string \`json:"command,omitempty"\`
	Args []string \`json:"args,omitempty"\`
	WorkingDir string \`json:"workingDir,omitempty"\`
	Ports []ContainerPort \`json:"ports,omitempty"\`
	EnvFrom []EnvFromSource \`json:"envFrom,omitempty"\`
	Env []EnvVar \`json:"env,omitempty"\`
	Resources ResourceRequirements \`json:"resources,omitempty"\`
	RestartPolicy *string \`json:"restartPolicy,omitempty"\`
	VolumeMounts []VolumeMount \`json:"volumeMounts,omitempty"\`
	LivenessProbe *Probe \`json:"livenessProbe,omitempty"\`
	ReadinessProbe *Probe \`json:"readinessProbe,omitempty"\`
	StartupProbe *Probe \`json:"startupProbe,omitempty"\`
	TerminationMessagePath string \`json:"terminationMessagePath,omitempty"\`
	TerminationMessagePolicy string \`json:"terminationMessagePolicy,omitempty"\`
	ImagePullPolicy string \`json:"imagePullPolicy,omitempty"\`
	SecurityContext *SecurityContext \`json:"securityContext,omitempty"\`
	Stdin bool \`json:"stdin,omitempty"\`
	StdinOnce bool \`json:"stdinOnce,omitempty"\`
	TTY bool \`json:"tty,omitempty"\`
}

type ContainerPort struct {
	Name string \`json:"name,omitempty"\`
	HostPort int32 \`json:"hostPort,omitempty"\`
	ContainerPort int32 \`json:"containerPort"\`
	Protocol string \`json:"protocol,omitempty"\`
	HostIP string \`json:"hostIP,omitempty"\`
}

type EnvFromSource struct {
	Prefix string \`json:"prefix,omitempty"\`
	ConfigMapRef *ConfigMapEnvSource \`json:"configMapRef,omitempty"\`
	SecretRef *SecretEnvSource \`json:"secretRef,omitempty"\`
}

type ConfigMapEnvSource struct {
	LocalObjectReference \`json:",inline"\`
	Optional *bool \`json:"optional,omitempty"\`
}

type SecretEnvSource struct {
	LocalObjectReference \`json:",inline"\`
	Optional *bool \`json:"optional,omitempty"\`
}

type LocalObjectReference struct {
	Name string \`json:"name,omitempty"\`
}

type EnvVar struct {
	Name string \`json:"name"\`
	Value string \`json:"value,omitempty"\`
	ValueFrom *EnvVarSource \`json:"valueFrom,omitempty"\`
}

type EnvVarSource struct {
	FieldRef *ObjectFieldSelector \`json:"fieldRef,omitempty"\`
	ResourceFieldRef *ResourceFieldSelector \`json:"resourceFieldRef,omitempty"\`
	ConfigMapKeyRef *ConfigMapKeySelector \`json:"configMapKeyRef,omitempty"\`
	SecretKeyRef *SecretKeySelector \`json:"secretKeyRef,omitempty"\`
}

type ObjectFieldSelector struct {
	APIVersion string \`json:"apiVersion,omitempty"\`
	FieldPath string \`json:"fieldPath"\`
}

type ResourceFieldSelector struct {
	ContainerName string \`json:"containerName,omitempty"\`
	Resource string \`json:"resource"\`
	Divisor Quantity \`json:"divisor,omitempty"\`
}

type ConfigMapKeySelector struct {
	LocalObjectReference \`json:",inline"\`
	Key string \`json:"key"\`
	Optional *bool \`json:"optional,omitempty"\`
}

type SecretKeySelector struct {
	LocalObjectReference \`json:",inline"\`
	Key string \`json:"key"\`
	Optional *bool \`json:"optional,omitempty"\`
}

type ResourceRequirements struct {
	Limits ResourceList \`json:"limits,omitempty"\`
	Requests ResourceList \`json:"requests,omitempty"\`
}

type VolumeMount struct {
	Name string \`json:"name"\`
	ReadOnly bool \`json:"readOnly,omitempty"\`
	RecursiveReadOnly *string \`json:"recursiveReadOnly,omitempty"\`
	MountPath string \`json:"mountPath"\`
	SubPath string \`json:"subPath,omitempty"\`
	MountPropagation *string \`json:"mountPropagation,omitempty"\`
	SubPathExpr string \`json:"subPathExpr,omitempty"\`
}

type Probe struct {
	ProbeHandler \`json:",inline"\`
	InitialDelaySeconds int32 \`json:"initialDelaySeconds,omitempty"\`
	TimeoutSeconds int32 \`json:"timeoutSeconds,omitempty"\`
	PeriodSeconds int32 \`json:"periodSeconds,omitempty"\`
	SuccessThreshold int32 \`json:"successThreshold,omitempty"\`
	FailureThreshold int32 \`json:"failureThreshold,omitempty"\`
	TerminationGracePeriodSeconds *int64 \`json:"terminationGracePeriodSeconds,omitempty"\`
}

type ProbeHandler struct {
	Exec *ExecAction \`json:"exec,omitempty"\`
	HTTPGet *HTTPGetAction \`json:"httpGet,omitempty"\`
	TCPSocket *TCPSocketAction \`json:"tcpSocket,omitempty"\`
	GRPC *GRPCAction \`json:"grpc,omitempty"\`
}

type ExecAction struct {
	Command []string \`json:"command,omitempty"\`
}

type HTTPGetAction struct {
	Path string \`json:"path,omitempty"\`
	Port IntOrString \`json:"port"\`
	Host string \`json:"host,omitempty"\`
	Scheme string \`json:"scheme,omitempty"\`
	HTTPHeaders []HTTPHeader \`json:"httpHeaders,omitempty"\`
}

type HTTPHeader struct {
	Name string \`json:"name"\`
	Value string \`json:"value"\`
}

type TCPSocketAction struct {
	Port IntOrString \`json:"port"\`
	Host string \`json:"host,omitempty"\`
}

type GRPCAction struct {
	Port int32 \`json:"port"\`
	Service *string \`json:"service"\`
}

type SecurityContext struct {
	Capabilities *Capabilities \`json:"capabilities,omitempty"\`
	Privileged *bool \`json:"privileged,omitempty"\`
	RunAsUser *int64 \`json:"runAsUser,omitempty"\`
	RunAsGroup *int64 \`json:"runAsGroup,omitempty"\`
	RunAsNonRoot *bool \`json:"runAsNonRoot,omitempty"\`
	ReadOnlyRootFilesystem *bool \`json:"readOnlyRootFilesystem,omitempty"\`
	AllowPrivilegeEscalation *bool \`json:"allowPrivilegeEscalation,omitempty"\`
	ProcMount *string \`json:"procMount,omitempty"\`
	SeccompProfile *SeccompProfile \`json:"seccompProfile,omitempty"\`
}

type Capabilities struct {
	Add []string \`json:"add,omitempty"\`
	Drop []string \`json:"drop,omitempty"\`
}

type SeccompProfile struct {
	Type string \`json:"type"\`
	LocalhostProfile *string \`json:"localhostProfile,omitempty"\`
}

type PodSecurityContext struct {
	RunAsUser *int64 \`json:"runAsUser,omitempty"\`
	RunAsGroup *int64 \`json:"runAsGroup,omitempty"\`
	RunAsNonRoot *bool \`json:"runAsNonRoot,omitempty"\`
	SupplementalGroups []int64 \`json:"supplementalGroups,omitempty"\`
	SupplementalGroupsPolicy *string \`json:"supplementalGroupsPolicy,omitempty"\`
	FSGroup *int64 \`json:"fsGroup,omitempty"\`
	Sysctls []Sysctl \`json:"sysctls,omitempty"\`
	FSGroupChangePolicy *string \`json:"fsGroupChangePolicy,omitempty"\`
	SeccompProfile *SeccompProfile \`json:"seccompProfile,omitempty"\`
	SELinuxChangePolicy *string \`json:"seLinuxChangePolicy,omitempty"\`
}

type Sysctl struct {
	Name string \`json:"name"\`
	Value string \`json:"value"\`
}

type Volume struct {
	Name string \`json:"name"\`
	VolumeSource \`json:",inline"\`
}

type VolumeSource struct {
	HostPath *HostPathVolumeSource \`json:"hostPath,omitempty"\`
	EmptyDir *EmptyDirVolumeSource \`json:"emptyDir,omitempty"\`
	Secret *SecretVolumeSource \`json:"secret,omitempty"\`
	PersistentVolumeClaim *PersistentVolumeClaimVolumeSource \`json:"persistentVolumeClaim,omitempty"\`
	ConfigMap *ConfigMapVolumeSource \`json:"configMap,omitempty"\`
}

type HostPathVolumeSource struct {
	Path string \`json:"path"\`
	Type *string \`json:"type,omitempty"\`
}

type EmptyDirVolumeSource struct {
	Medium string \`json:"medium,omitempty"\`
	SizeLimit *Quantity \`json:"sizeLimit,omitempty"\`
}

type SecretVolumeSource struct {
	SecretName string \`json:"secretName,omitempty"\`
	Items []KeyToPath \`json:"items,omitempty"\`
	DefaultMode *int32 \`json:"defaultMode,omitempty"\`
	Optional *bool \`json:"optional,omitempty"\`
}

type ConfigMapVolumeSource struct {
	LocalObjectReference \`json:",inline"\`
	Items []KeyToPath \`json:"items,omitempty"\`
	DefaultMode *int32 \`json:"defaultMode,omitempty"\`
	Optional *bool \`json:"optional,omitempty"\`
}

type KeyToPath struct {
	Key string \`json:"key"\`
	Path string \`json:"path"\`
	Mode *int32 \`json:"mode,omitempty"\`
}

type PersistentVolumeClaimVolumeSource struct {
	ClaimName string \`json:"claimName"\`
	ReadOnly bool \`json:"readOnly,omitempty"\`
}

type Toleration struct {
	Key string \`json:"key,omitempty"\`
	Operator string \`json:"operator,omitempty"\`
	Value string \`json:"value,omitempty"\`
	Effect string \`json:"effect,omitempty"\`
	TolerationSeconds *int64 \`json:"tolerationSeconds,omitempty"\`
}

type TopologySpreadConstraint struct {
	MaxSkew int32 \`json:"maxSkew"\`
	TopologyKey string \`json:"topologyKey"\`
	WhenUnsatisfiable string \`json:"whenUnsatisfiable"\`
	LabelSelector *LabelSelector \`json:"labelSelector,omitempty"\`
	MinDomains *int32 \`json:"minDomains,omitempty"\`
	NodeAffinityPolicy *string \`json:"nodeAffinityPolicy,omitempty"\`
	NodeTaintsPolicy *string \`json:"nodeTaintsPolicy,omitempty"\`
	MatchLabelKeys []string \`json:"matchLabelKeys,omitempty"\`
}

type Service struct {
	ObjectMeta \`json:"metadata,omitempty"\`
	Spec ServiceSpec \`json:"spec,omitempty"\`
}

type ServiceSpec struct {
	Ports []ServicePort \`json:"ports,omitempty"\`
	Selector map[string]string \`json:"selector,omitempty"\`
	ClusterIP string \`json:"clusterIP,omitempty"\`
	ClusterIPs []string \`json:"clusterIPs,omitempty"\`
	Type string \`json:"type,omitempty"\`
	ExternalIPs []string \`json:"externalIPs,omitempty"\`
	SessionAffinity string \`json:"sessionAffinity,omitempty"\`
	LoadBalancerIP string \`json:"loadBalancerIP,omitempty"\`
	LoadBalancerSourceRanges []string \`json:"loadBalancerSourceRanges,omitempty"\`
	ExternalName string \`json:"externalName,omitempty"\`
	ExternalTrafficPolicy string \`json:"externalTrafficPolicy,omitempty"\`
	HealthCheckNodePort int32 \`json:"healthCheckNodePort,omitempty"\`
	PublishNotReadyAddresses bool \`json:"publishNotReadyAddresses,omitempty"\`
	IPFamilies []string \`json:"ipFamilies,omitempty"\`
	IPFamilyPolicy *string \`json:"ipFamilyPolicy,omitempty"\`
	AllocateLoadBalancerNodePorts *bool \`json:"allocateLoadBalancerNodePorts,omitempty"\`
	LoadBalancerClass *string \`json:"loadBalancerClass,omitempty"\`
	InternalTrafficPolicy *string \`json:"internalTrafficPolicy,omitempty"\`
	TrafficDistribution *string \`json:"trafficDistribution,omitempty"\`
}

type ServicePort struct {
	Name string \`json:"name,omitempty"\`
	Protocol string \`json:"protocol,omitempty"\`
	AppProtocol *string \`json:"appProtocol,omitempty"\`
	Port int32 \`json:"port"\`
	TargetPort IntOrString \`json:"targetPort,omitempty"\`
	NodePort int32 \`json:"nodePort,omitempty"\`
}

type ConfigMap struct {
	ObjectMeta \`json:"metadata,omitempty"\`
	Immutable *bool \`json:"immutable,omitempty"\`
	Data map[string]string \`json:"data,omitempty"\`
	BinaryData map[string]string \`json:"binaryData,omitempty"\`
}

type NetworkPolicy struct {
	ObjectMeta \`json:"metadata,omitempty"\`
	Spec NetworkPolicySpec \`json:"spec,omitempty"\`
}

type NetworkPolicySpec struct {
	PodSelector LabelSelector \`json:"podSelector,omitempty"\`
	Ingress []NetworkPolicyIngressRule \`json:"ingress,omitempty"\`
	Egress []NetworkPolicyEgressRule \`json:"egress,omitempty"\`
	PolicyTypes []string \`json:"policyTypes,omitempty"\`
}

type NetworkPolicyIngressRule struct {
	Ports []NetworkPolicyPort \`json:"ports,omitempty"\`
	From []NetworkPolicyPeer \`json:"from,omitempty"\`
}

type NetworkPolicyEgressRule struct {
	Ports []NetworkPolicyPort \`json:"ports,omitempty"\`
	To []NetworkPolicyPeer \`json:"to,omitempty"\`
}

type NetworkPolicyPort struct {
	Protocol *string \`json:"protocol,omitempty"\`
	Port *IntOrString \`json:"port,omitempty"\`
	EndPort *int32 \`json:"endPort,omitempty"\`
}

type NetworkPolicyPeer struct {
	PodSelector *LabelSelector \`json:"podSelector,omitempty"\`
	NamespaceSelector *LabelSelector \`json:"namespaceSelector,omitempty"\`
	IPBlock *IPBlock \`json:"ipBlock,omitempty"\`
}

type IPBlock struct {
	CIDR string \`json:"cidr"\`
	Except []string \`json:"except,omitempty"\`
}
`;

/** `map[string]Quantity` in Go; named here as in k8s.io/api/core/v1. */
const ALIASES: Record<string, string> = { ResourceList: 'map[string]Quantity' };

/** One struct field as the json encoder sees it. */
export interface GoField {
  /** The json name; '' for an embedded (inline) struct. */
  json: string;
  /** The Go type without the pointer star: `int32`, `[]Container`, `map[string]string`, `PodSpec`. */
  type: string;
  pointer: boolean;
  omitempty: boolean;
}

function parseGoSource(source: string): Map<string, GoField[]> {
  const types = new Map<string, GoField[]>();
  let current: GoField[] | undefined;
  for (const raw of source.split('\n')) {
    const line = raw.trim();
    const open = /^type (\w+) struct \{$/.exec(line);
    if (open !== null) {
      current = [];
      types.set(open[1], current);
      continue;
    }
    if (line === '}' || line === '') continue;
    const field = /^(?:(\w+) )?(\*?)([\w[\]]+) `json:"([^",]*)((?:,\w+)*)"`$/.exec(line);
    if (field === null || current === undefined) throw new Error(`go-types: cannot read ${JSON.stringify(line)}`);
    const [, name, star, type, json, options] = field;
    // An embedded ObjectMeta (no field name) is the `metadata` field of a kind.
    const embedded = name === undefined && json === '';
    current.push({ json: embedded ? '' : json, type: ALIASES[type] ?? type, pointer: star === '*', omitempty: options.split(',').includes('omitempty') });
  }
  return types;
}

/** Go struct types by name. */
export const GO_TYPES: ReadonlyMap<string, readonly GoField[]> = parseGoSource(GO_SOURCE);

/** The Go type of each kind's top-level object, by `group/Kind` (group '' for core). */
export const KIND_TYPES: Readonly<Record<string, string>> = {
  'apps/Deployment': 'Deployment',
  'apps/DaemonSet': 'DaemonSet',
  '/Pod': 'Pod',
  '/Service': 'Service',
  '/ConfigMap': 'ConfigMap',
  'networking.k8s.io/NetworkPolicy': 'NetworkPolicy',
};
