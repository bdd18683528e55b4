package no.vakt.failover.plan;

/**
 * A step whose name is fixed when it is built: the one place a step holds and returns it, so a step class
 * says only what it does.
 *
 * @param <N> the kind of name: the failover's {@link StepName}s, or a plan's own steps
 */
public abstract class NamedStep<N extends StepId> implements FailoverStep {
    private final N name;

    protected NamedStep(N name) {
        this.name = name;
    }

    @Override
    public final N name() {
        return name;
    }
}
