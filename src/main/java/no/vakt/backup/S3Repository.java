package no.vakt.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A repository in an S3 bucket (AWS, or any S3-compatible store), under a key prefix. An object appears
 * whole or not at all: a small file is one PUT, a large one a multipart upload completed on close (aborted
 * when the writer fails), so a reader never sees half of one, like {@link LocalRepository}'s rename.
 * Streams both ways: a part at a time is in memory, never the file.
 */
public final class S3Repository implements Repository, AutoCloseable {
    private final S3Client s3;
    private final String bucket;
    private final String root;
    private final String where;

    /** @param prefix the keys' common prefix in the bucket, "" for none */
    public S3Repository(S3Client s3, String bucket, String prefix, String where) {
        this.s3 = s3;
        this.bucket = bucket;
        String p = prefix.replaceAll("^/+|/+$", "");
        this.root = p.isEmpty() ? "" : p + "/";
        this.where = where;
    }

    String objectKey(String key) {
        if (key.isEmpty() || key.startsWith("/") || key.contains("..")) throw new IllegalArgumentException("not a key inside the repository: " + key);
        return root + key;
    }

    @Override
    public OutputStream create(String key) throws IOException {
        return new S3Upload(s3, bucket, objectKey(key));
    }

    @Override
    public InputStream open(String key) throws IOException {
        return call(key, () -> s3.getObject(b -> b.bucket(bucket).key(objectKey(key))));
    }

    @Override
    public boolean exists(String key) throws IOException {
        try {
            s3.headObject(b -> b.bucket(bucket).key(objectKey(key)));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) return false;
            throw failed(key, e);
        } catch (SdkException e) {
            throw failed(key, e);
        }
    }

    /** As a directory listing: the objects and the "directories" (common prefixes) one level under {@code prefix}. */
    @Override
    public List<String> list(String prefix) throws IOException {
        String dir = prefix.isEmpty() ? root : objectKey(prefix) + "/";
        TreeSet<String> out = new TreeSet<>();
        String token = null;
        do {
            ListObjectsV2Request.Builder req = ListObjectsV2Request.builder().bucket(bucket).prefix(dir).delimiter("/");
            if (token != null) req.continuationToken(token);
            ListObjectsV2Response r = call(prefix, () -> s3.listObjectsV2(req.build()));
            for (S3Object o : r.contents()) out.add(o.key().substring(root.length()));
            for (CommonPrefix c : r.commonPrefixes()) out.add(c.prefix().substring(root.length(), c.prefix().length() - 1));
            token = r.isTruncated() ? r.nextContinuationToken() : null;
        } while (token != null);
        return new ArrayList<>(out);
    }

    @Override
    public long size(String key) throws IOException {
        return call(key, () -> s3.headObject(b -> b.bucket(bucket).key(objectKey(key)))).contentLength();
    }

    @Override
    public void delete(String key) throws IOException {
        call(key, () -> s3.deleteObject(b -> b.bucket(bucket).key(objectKey(key))));
    }

    @Override
    public String describe() {
        return where;
    }

    @Override
    public void close() {
        s3.close();
    }

    private interface Call<T> {
        T run();
    }

    private <T> T call(String key, Call<T> c) throws IOException {
        try {
            return c.run();
        } catch (SdkException e) {
            throw failed(key, e);
        }
    }

    /** The SDK's message names the operation and the status; credentials never appear in it. */
    private IOException failed(String key, SdkException e) {
        return new IOException(where + ": " + key + ": " + e.getMessage(), e);
    }

    /** One object written: PUT when it fits one part, else a multipart upload. */
    private static final class S3Upload extends OutputStream {
        /** S3 wants parts of at least 5 MiB and at most 10,000 of them: 16 MiB parts hold 160 GB. */
        static final int PART = 16 << 20;
        private final S3Client s3;
        private final String bucket;
        private final String key;
        private final byte[] buf = new byte[PART];
        private final List<CompletedPart> parts = new ArrayList<>();
        private int used;
        private String uploadId;
        private boolean closed;

        S3Upload(S3Client s3, String bucket, String key) {
            this.s3 = s3;
            this.bucket = bucket;
            this.key = key;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                int n = Math.min(len, PART - used);
                System.arraycopy(b, off, buf, used, n);
                used += n;
                off += n;
                len -= n;
                if (used == PART) sendPart();
            }
        }

        private void sendPart() throws IOException {
            try {
                if (uploadId == null) uploadId = s3.createMultipartUpload(r -> r.bucket(bucket).key(key)).uploadId();
                int number = parts.size() + 1;
                String etag = s3.uploadPart(r -> r.bucket(bucket).key(key).uploadId(uploadId).partNumber(number),
                        RequestBody.fromBytes(java.util.Arrays.copyOf(buf, used))).eTag();
                parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
                used = 0;
            } catch (SdkException e) {
                abort();
                throw new IOException("s3://" + bucket + "/" + key + ": upload failed: " + e.getMessage(), e);
            }
        }

        @Override
        public void close() throws IOException {
            if (closed) return;
            closed = true;
            try {
                if (uploadId == null) {
                    s3.putObject(r -> r.bucket(bucket).key(key), RequestBody.fromBytes(java.util.Arrays.copyOf(buf, used)));
                    return;
                }
                if (used > 0) sendPart();
                s3.completeMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(uploadId).multipartUpload(m -> m.parts(parts)));
            } catch (SdkException e) {
                abort();
                throw new IOException("s3://" + bucket + "/" + key + ": upload failed: " + e.getMessage(), e);
            }
        }

        private void abort() {
            if (uploadId == null) return;
            try {
                s3.abortMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(uploadId));
            } catch (SdkException e) {
                // The bucket's lifecycle rule for incomplete uploads cleans what this could not.
            }
            uploadId = null;
        }
    }
}
