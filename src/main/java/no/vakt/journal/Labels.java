package no.vakt.journal;

import java.util.Arrays;
import java.util.function.Function;

/** The journal stores its enums as labels (lower-case words); this reads one back. */
final class Labels {
    private Labels() {}

    /** The constant of {@code type} whose {@code label} is {@code text}; an unknown one names {@code what} it is. */
    static <E extends Enum<E>> E from(Class<E> type, Function<E, String> label, String text, String what) {
        return Arrays.stream(type.getEnumConstants()).filter(e -> label.apply(e).equals(text)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown " + what + " '" + text + "'"));
    }
}
