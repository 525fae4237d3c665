package dev.medic.config;

/**
 * Whether Docker's own HEALTHCHECK verdict fails a target: {@code on} always, {@code off} never,
 * {@code auto} only when the target has no probe of its own.
 */
public enum DockerHealthMode {
    AUTO, ON, OFF
}
