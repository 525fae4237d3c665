package dev.medic.core;

import java.util.Arrays;
import java.util.Optional;

/**
 * The rungs a ladder may be built from, under their config names. {@link #needsComposeProject()} tells the
 * rungs that act through the compose CLI and so can only heal a container compose made (or one whose target
 * names its project in config). Immutable.
 */
public enum HealingActionKind {
    RESTART_CONTAINER("restart-container"),
    RESTART_PROJECT("restart-project"),
    /** {@code compose up -d --no-deps --force-recreate SERVICE}: a new container for the one service. */
    RECREATE_SERVICE("recreate-service"),
    RESTART_UNIT("restart-unit"),
    EXEC_HOST("exec-host");

    private final String configName;

    HealingActionKind(String configName) {
        this.configName = configName;
    }

    /** The name used in config, events and status ("restart-container"). */
    public String configName() {
        return configName;
    }

    /** Whether the rung runs the compose CLI for the container's project: restart-project and recreate-service. */
    public boolean needsComposeProject() {
        return this == RESTART_PROJECT || this == RECREATE_SERVICE;
    }

    public static Optional<HealingActionKind> fromConfigName(String name) {
        return Arrays.stream(values()).filter(k -> k.configName.equals(name)).findFirst();
    }

    @Override
    public String toString() {
        return configName;
    }
}
