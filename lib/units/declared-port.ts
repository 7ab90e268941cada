/**
 * A declared container port, as the pod-spec builder, the probes and the mesh-edge decisions see it: a plain value,
 * below both the workloads and the mesh so neither has to import the other for it.
 */
export interface DeclaredPort {
  /** The port number (1–65535). */
  readonly port: number;
  /** The IANA service name of the port. */
  readonly name: string;
  /** TCP, UDP or SCTP. */
  readonly protocol: string;
}
