package dev.medic.core;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What the journal has been told of one target's failure in progress, so that a long failure is said once and
 * then reminded of, not written at every check (see {@link FailureJournal}). A failure begins with its first
 * counted failed check and lasts until the target is HEALTHY again or an operator's stop ends the incident; a
 * heal, a give-up, a pause or a reload in between do not end it.
 *
 * <p>Invariants: {@link #NONE} (no failure in progress) has every field empty; otherwise {@code since} and
 * {@code lastSaidAt} are set, {@code lastSaid} is a {@link FailureDetail#comparable} detail, {@code said} holds at
 * most {@link #MAX_SAID} details (most recently said last) and {@code changes} is at most
 * {@link #MAX_DETAIL_CHANGES}. Immutable.
 *
 * @param since when the failure's first counted check failed
 * @param lastSaidAt when the journal last had a line of it (a check_failed at warning or a still_failing)
 * @param lastSaid the comparable detail of that line
 * @param countSaid the failure count the last check_failed at warning said, since the count last started over
 *                  (a heal, a start-period); 0 when none
 * @param thresholdSaid whether a check_failed at warning said the count reached the threshold since it last
 *                      started over: from then on the count moving is no news (also across a reload that raises
 *                      the threshold)
 * @param said the details said during this failure, most recently said last: one of them coming back (two texts
 *             that flap) is no news
 * @param changes the check_failed lines written for a new detail alone since the last reminder
 */
public record FailureRun(Instant since, Instant lastSaidAt, String lastSaid, int countSaid, boolean thresholdSaid,
                         List<String> said, int changes) {

    /** No failure in progress. */
    public static final FailureRun NONE = new FailureRun(null, null, null, 0, false, List.of(), 0);

    /**
     * The most check_failed lines a new detail alone may write between two reminders: a detail that is new at
     * every check (a request id in an error page) writes these and is then quiet until the next reminder.
     */
    public static final int MAX_DETAIL_CHANGES = 3;

    /** The most details remembered as said; a failure that has had more says an old one again, within the cap. */
    public static final int MAX_SAID = 8;

    public FailureRun {
        said = List.copyOf(said);
        if (since == null) {
            if (lastSaidAt != null || lastSaid != null || countSaid != 0 || thresholdSaid || !said.isEmpty()
                    || changes != 0) {
                throw new IllegalArgumentException("no failure in progress, yet something was said of it");
            }
        } else if (lastSaidAt == null || lastSaid == null) {
            throw new IllegalArgumentException("a failure in progress has been said");
        }
        if (countSaid < 0 || said.size() > MAX_SAID || changes < 0 || changes > MAX_DETAIL_CHANGES) {
            throw new IllegalArgumentException("a failure remembers a bounded few lines");
        }
    }

    /**
     * A failure read back from the state file: since when it lasts and when it was last said; the count and the
     * details are said afresh after medic's restart (its counts start over too).
     */
    public static FailureRun persisted(Instant since, Instant lastSaidAt) {
        if (since == null) {
            return NONE;
        }
        return new FailureRun(since, lastSaidAt == null ? since : lastSaidAt, "", 0, false, List.of(), 0);
    }

    /** Whether a failure is in progress (and was said). */
    public boolean active() {
        return since != null;
    }

    /** Whether nothing was said of the failure for {@code every} up to {@code now}: a reminder is due. */
    boolean reminderDue(Instant now, Duration every) {
        return active() && !now.isBefore(lastSaidAt.plus(every));
    }

    /**
     * Whether {@code detail} is news: not said during this failure yet, and fewer than
     * {@link #MAX_DETAIL_CHANGES} lines were written for a new detail alone since the last reminder.
     */
    boolean newDetail(String detail) {
        return !detail.equals(lastSaid) && !said.contains(detail) && changes < MAX_DETAIL_CHANGES;
    }

    /** The count started over (a heal, a start-period): its climb to the threshold is news again. */
    FailureRun countStartedOver() {
        return new FailureRun(since, lastSaidAt, lastSaid, 0, false, said, changes);
    }

    /**
     * This failure (begun at {@code now} if none is in progress) after a check_failed about {@code detail} was
     * written at {@code now} with the count {@code failures}; {@code change} when the new detail alone was why.
     */
    FailureRun saidFailure(String detail, Instant now, int failures, int threshold, boolean change) {
        return new FailureRun(active() ? since : now, now, detail, failures, thresholdSaid || failures >= threshold,
                withSaid(detail), change ? changes + 1 : changes);
    }

    /** This failure after a still_failing reminder about {@code detail} at {@code now}: new details may be said again. */
    FailureRun reminded(String detail, Instant now) {
        return new FailureRun(since, now, detail, countSaid, thresholdSaid, withSaid(detail), 0);
    }

    private List<String> withSaid(String detail) {
        List<String> kept = new ArrayList<>(said);
        kept.remove(detail);
        kept.add(detail);
        while (kept.size() > MAX_SAID) {
            kept.remove(0);
        }
        return kept;
    }

    /** Every instant moved by {@code offset} (see {@link TargetState#shiftedBy}). */
    FailureRun shiftedBy(Duration offset) {
        if (!active()) {
            return this;
        }
        return new FailureRun(since.plus(offset), lastSaidAt.plus(offset), lastSaid, countSaid, thresholdSaid, said,
                changes);
    }
}
