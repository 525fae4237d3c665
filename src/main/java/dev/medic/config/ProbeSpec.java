package dev.medic.config;

/** The configuration of one probe of a target; one record per probe kind. */
public sealed interface ProbeSpec permits HttpProbeSpec, TcpProbeSpec, RedisProbeSpec, PostgresProbeSpec,
        ExecProbeSpec, TlsExpiryProbeSpec, HostProbeSpec, FileAgeProbeSpec {
    /** The probe kind's config key, e.g. {@code http}. */
    String kind();
}
