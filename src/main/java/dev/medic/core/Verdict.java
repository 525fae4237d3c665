package dev.medic.core;

/** The outcome of one check of a target. */
public enum Verdict {
    PASS,
    FAIL,
    /** medic itself could not tell (for example Docker did not answer); never counts, never heals. */
    UNKNOWN
}
