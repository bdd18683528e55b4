package no.vakt.replication;

/**
 * One named stage of the bootstrap. It either does its part and says in one line what it did or
 * skipped, or throws, which stops the pipeline. {@link #preview} says what it would do, for --dry-run.
 */
public interface Step {
    String name();

    /** What this step would do under the plan; reads nothing, changes nothing. */
    String preview(BootstrapContext ctx);

    /** Does the step and returns its one-line report. */
    String run(BootstrapContext ctx) throws Exception;
}
