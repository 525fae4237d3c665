package dev.medic.core;

import java.util.Arrays;
import java.util.Optional;

/** The rungs a ladder may be built from, under their config names. */
public enum HealingActionKind {
    RESTART_CONTAINER("restart-container"),
    RESTART_PROJECT("restart-project"),
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

    public static Optional<HealingActionKind> fromConfigName(String name) {
        return Arrays.stream(values()).filter(k -> k.configName.equals(name)).findFirst();
    }

    @Override
    public String toString() {
        return configName;
    }
}
