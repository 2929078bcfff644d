package io.changelake.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.blobstore.domain.Blob;
import org.jclouds.blobstore.domain.BlobMetadata;
import org.jclouds.blobstore.domain.PageSet;
import org.jclouds.blobstore.domain.StorageMetadata;
import org.jclouds.blobstore.domain.internal.PageSetImpl;
import org.jclouds.blobstore.options.ListContainerOptions;
import org.jclouds.blobstore.options.GetOptions;
import org.jclouds.blobstore.util.ForwardingBlobStore;

/**
 * An S3-compatible server (S3Proxy) on a free loopback port, keeping its buckets in a fresh local
 * folder: bucket {@code b}'s object {@code k} is the file {@code <folder>/b/k}. Directory markers
 * ({@code k/}, as Hadoop's S3A writes them) are listed as S3 lists them, and a folder is never an object
 * {@code k} of its own (S3Proxy's {@code filesystem-nio2} store, with that one fix). Requests must be signed
 * with {@value #ACCESS_KEY} / {@value #SECRET_KEY} (AWS signature v2 or v4); buckets are addressed
 * path-style. {@link #close()} stops it and removes the folder. Start one per test class:
 *
 * <pre>{@code
 * try (S3Server s3 = S3Server.start()) {
 *   s3.createBucket("lake");
 *   String warehouse = "s3://lake/warehouse";   // with s3.options() as catalog options
 * }
 * }</pre>
 *
 * <p>The server comes from {@code org.gaul:s3proxy}, an optional dependency of the test kit: a module
 * that starts one declares it with test scope.
 */
public final class S3Server implements AutoCloseable {
  public static final String ACCESS_KEY = "changelake-test";
  public static final String SECRET_KEY = "s3-secret-7f3a9c";
  /** Any region: the server accepts a signature for every region. */
  public static final String REGION = "us-east-1";

  private final S3Proxy proxy;
  private final BlobStoreContext store;
  private final Path folder;

  private S3Server(S3Proxy proxy, BlobStoreContext store, Path folder) {
    this.proxy = proxy;
    this.store = store;
    this.folder = folder;
  }

  /** Starts a server over a new temporary folder. */
  public static S3Server start() {
    Path folder;
    try {
      folder = Files.createTempDirectory("s3server");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Properties properties = new Properties();
    properties.setProperty("jclouds.filesystem.basedir", folder.toString());
    BlobStoreContext store = ContextBuilder.newBuilder("filesystem-nio2").overrides(properties)
        .credentials("identity", "credential").build(BlobStoreContext.class);
    S3Proxy proxy = S3Proxy.builder().blobStore(new ObjectsOnly(store.getBlobStore(), folder))
        .endpoint(URI.create("http://127.0.0.1:0"))
        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
        .build();
    try {
      proxy.start();
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (!"STARTED".equals(proxy.getState())) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("S3Proxy did not start within 30 s: " + proxy.getState());
        }
        Thread.sleep(5);
      }
    } catch (Exception e) {
      store.close();
      throw new IllegalStateException("Cannot start S3Proxy: " + e, e);
    }
    return new S3Server(proxy, store, folder);
  }

  /** The server's URL, e.g. {@code http://127.0.0.1:41234}. */
  public String endpoint() {
    return "http://127.0.0.1:" + proxy.getPort();
  }

  /** Creates bucket {@code name} (no effect when it exists). */
  public void createBucket(String name) {
    store.getBlobStore().createContainerInLocation(null, name);
  }

  /** The changelake catalog options that reach this server: endpoint, keys, {@link #addressing()}. */
  public Map<String, String> options() {
    Map<String, String> options = new LinkedHashMap<>();
    options.put("s3.endpoint", endpoint());
    options.putAll(addressing());
    options.put("s3.access-key-id", ACCESS_KEY);
    options.put("s3.secret-access-key", SECRET_KEY);
    options.put("s3.region", REGION);
    return options;
  }

  /**
   * The options this server needs besides endpoint and credentials: path-style access, and one delete
   * request per object (S3Proxy refuses the CRC32 checksum header of the AWS SDK's DeleteObjects).
   */
  public Map<String, String> addressing() {
    return Map.of("s3.path-style-access", "true", "s3.bulk-delete", "false");
  }

  /** The AWS environment variables that reach this server (with the {@link #addressing()} options). */
  public Map<String, String> environment() {
    return Map.of("AWS_ACCESS_KEY_ID", ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", SECRET_KEY, "AWS_REGION", REGION,
        "AWS_ENDPOINT_URL", endpoint());
  }

  /** The local file holding object {@code uri} ({@code s3://bucket/key}, {@code s3a://} likewise). */
  public Path file(String uri) {
    URI parsed = URI.create(uri);
    return folder.resolve(parsed.getHost()).resolve(parsed.getPath().replaceFirst("^/", ""));
  }

  @Override
  public void close() {
    try {
      proxy.stop();
    } catch (Exception e) {
      throw new IllegalStateException("Cannot stop S3Proxy: " + e, e);
    } finally {
      store.close();
      deleteFolder();
    }
  }

  /**
   * What S3 does and the folder store does not: a key without a trailing slash that names a folder here is
   * no object, and an empty directory marker {@code k/} is listed under the prefix {@code k/}.
   */
  private static final class ObjectsOnly extends ForwardingBlobStore {
    private final Path folder;

    ObjectsOnly(BlobStore store, Path folder) {
      super(store);
      this.folder = folder;
    }

    private boolean isFolder(String container, String name) {
      return !name.endsWith("/") && Files.isDirectory(folder.resolve(container).resolve(name));
    }

    @Override
    public BlobMetadata blobMetadata(String container, String name) {
      return isFolder(container, name) ? null : super.blobMetadata(container, name);
    }

    @Override
    public boolean blobExists(String container, String name) {
      return !isFolder(container, name) && super.blobExists(container, name);
    }

    @Override
    public Blob getBlob(String container, String name, GetOptions options) {
      return isFolder(container, name) ? null : super.getBlob(container, name, options);
    }

    @Override
    public PageSet<? extends StorageMetadata> list(String container, ListContainerOptions options) {
      PageSet<? extends StorageMetadata> page = super.list(container, options);
      String prefix = options.getPrefix();
      if (!page.isEmpty() || prefix == null || !prefix.endsWith("/")
          || !Files.isDirectory(folder.resolve(container).resolve(prefix))) {
        return page;
      }
      BlobMetadata marker = super.blobMetadata(container, prefix);
      return marker == null ? page : new PageSetImpl<>(List.of(marker), null);
    }
  }

  private void deleteFolder() {
    try (Stream<Path> paths = Files.walk(folder)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot remove " + folder, e);
    }
  }
}
