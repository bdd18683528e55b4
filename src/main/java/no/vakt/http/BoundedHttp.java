package no.vakt.http;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The one way Vakt sends an HTTP request: with a hard deadline on the whole exchange, body included.
 * The JDK client's {@link HttpRequest.Builder#timeout} stops counting once the response headers
 * arrive, so a server that sends headers and then stalls would hold the caller (a failover's
 * hand-over, an alert channel) forever. Past the deadline the exchange is cancelled and the caller
 * gets an {@link HttpTimeoutException}, an {@link IOException} like any other network failure.
 */
public final class BoundedHttp {
    private BoundedHttp() {}

    /**
     * @param deadline the longest the whole call may take: connecting, sending, headers and body
     * @throws HttpTimeoutException when the answer is not complete within {@code deadline}
     * @throws IllegalArgumentException when the request cannot be sent at all (a bad URL)
     */
    public static <T> HttpResponse<T> send(HttpClient client, HttpRequest request, HttpResponse.BodyHandler<T> body,
            Duration deadline) throws IOException, InterruptedException {
        CompletableFuture<HttpResponse<T>> call = client.sendAsync(request, body);
        try {
            return call.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            call.cancel(true); // since JDK 16 this aborts the exchange and closes its connection
            throw new HttpTimeoutException("no complete answer within " + deadline.toMillis() + " ms");
        } catch (InterruptedException e) {
            call.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) throw io;
            if (cause instanceof RuntimeException r) throw r;
            if (cause instanceof Error err) throw err;
            throw new IOException(cause);
        }
    }
}
