package no.vakt.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "replicate", description = "TODO", mixinStandardHelpOptions = true)
public final class ReplicateCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UnsupportedOperationException("not yet");
    }
}
