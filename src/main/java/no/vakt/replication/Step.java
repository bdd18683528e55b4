package no.vakt.replication;

/**
 * One named stage of the bootstrap. It either does its part and says in one line what it did or
 * skipped, or throws, which stops the pipeline. {@link #preview} says what it would do, for --dry-run.
 */
public abstract class Step {
    private final String name;

    /** @param name how the step's lines are labelled, in the plan and in the report */
    protected Step(String name) {
        this.name = name;
    }

    public final String name() {
        return name;
    }

    /** What this step would do under the plan; reads nothing, changes nothing. */
    public abstract String preview(BootstrapContext ctx);

    /** Does the step and returns its one-line report. */
    public abstract String run(BootstrapContext ctx) throws Exception;
}
