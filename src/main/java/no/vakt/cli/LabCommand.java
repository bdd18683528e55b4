package no.vakt.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "lab", description = "TODO", mixinStandardHelpOptions = true)
public final class LabCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UnsupportedOperationException("not yet");
    }
}
