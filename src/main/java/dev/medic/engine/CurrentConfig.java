package dev.medic.engine;

import dev.medic.config.MedicConfig;
import java.util.function.Supplier;

/**
 * The configuration the engine runs on now. Every part of the engine reads it each time it needs a
 * setting (never keeps a copy), so a reload is seen at the next read.
 *
 * <p>Invariant: only {@link ConfigReload} replaces it; everyone else gets it as a read-only
 * {@code Supplier<MedicConfig>}.
 *
 * <p>Thread-safe: a volatile reference to an immutable record.
 */
final class CurrentConfig implements Supplier<MedicConfig> {
    private volatile MedicConfig config;

    CurrentConfig(MedicConfig initial) {
        this.config = initial;
    }

    @Override
    public MedicConfig get() {
        return config;
    }

    void set(MedicConfig next) {
        config = next;
    }
}
