package io.polyport.ops;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.DescriptorProtos.MethodDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import io.polyport.users.v1.UsersProto;
import io.vertx.grpc.health.v1.HealthProto;
import io.vertx.grpc.reflection.v1.ServerReflectionProto;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The proto descriptors of everything the gRPC side serves, built once at start: the API's files from the
 * descriptor set written at build time (with their source comments, and the well-known types they import),
 * and the operational services (health, reflection v1 and v1alpha) under their canonical file names.
 * Reflection answers from it and the gRPC docs page is rendered from it.
 */
public final class ProtoCatalog {
  static final String DESCRIPTOR_SET = "/proto/polyport.desc";
  static final String HEALTH_FILE = "grpc/health/v1/health.proto";
  static final String REFLECTION_V1_FILE = "grpc/reflection/v1/reflection.proto";
  static final String REFLECTION_V1ALPHA_FILE = "grpc/reflection/v1alpha/reflection.proto";

  private final List<FileDescriptor> apiFiles;
  private final List<FileDescriptor> opsFiles;

  private ProtoCatalog(List<FileDescriptor> apiFiles, List<FileDescriptor> opsFiles) {
    this.apiFiles = List.copyOf(apiFiles);
    this.opsFiles = List.copyOf(opsFiles);
  }

  /** Reads the build's descriptor set from the classpath (or, without one, the compiled-in descriptors). */
  public static ProtoCatalog load() {
    List<FileDescriptor> api = new ArrayList<>(fromDescriptorSet());
    if (api.stream().noneMatch(f -> f.getPackage().equals(UsersProto.getDescriptor().getPackage()))) {
      api = new ArrayList<>(UsersProto.getDescriptor().getDependencies());
      api.add(UsersProto.getDescriptor());
    }
    FileDescriptorProto reflection = ServerReflectionProto.getDescriptor().toProto();
    List<FileDescriptor> ops = List.of(
        build(HealthProto.getDescriptor().toProto().toBuilder().setName(HEALTH_FILE).build()),
        build(reflection.toBuilder().setName(REFLECTION_V1_FILE).build()),
        build(repackage(reflection, REFLECTION_V1ALPHA_FILE, "grpc.reflection.v1alpha")));
    return new ProtoCatalog(api, ops);
  }

  /** A catalog of these files (for tests of what is rendered from it). */
  static ProtoCatalog of(List<FileDescriptor> apiFiles, List<FileDescriptor> opsFiles) {
    return new ProtoCatalog(apiFiles, opsFiles);
  }

  /** The API's files (the service first), then the well-known types they import. */
  public List<FileDescriptor> apiFiles() {
    return apiFiles;
  }

  /** The files of the health and reflection services. */
  public List<FileDescriptor> opsFiles() {
    return opsFiles;
  }

  /** Every service the server answers: the API's, then health and reflection (v1, v1alpha). */
  public List<ServiceDescriptor> services() {
    List<ServiceDescriptor> services = new ArrayList<>();
    apiFiles.forEach(f -> services.addAll(f.getServices()));
    opsFiles.forEach(f -> services.addAll(f.getServices()));
    return services;
  }

  /** The service of this fully-qualified name, or null. */
  public ServiceDescriptor service(String fullName) {
    return services().stream().filter(s -> s.getFullName().equals(fullName)).findFirst().orElse(null);
  }

  private static List<FileDescriptor> fromDescriptorSet() {
    try (InputStream in = ProtoCatalog.class.getResourceAsStream(DESCRIPTOR_SET)) {
      if (in == null) {
        return List.of();
      }
      Map<String, FileDescriptorProto> protos = new LinkedHashMap<>();
      FileDescriptorSet.parseFrom(in).getFileList().forEach(p -> protos.put(p.getName(), p));
      Map<String, FileDescriptor> built = new LinkedHashMap<>();
      protos.keySet().forEach(name -> buildWithDependencies(name, protos, built));
      List<FileDescriptor> files = new ArrayList<>(built.values());
      // the files declaring services first, then what they import
      files.sort((a, b) -> Boolean.compare(a.getServices().isEmpty(), b.getServices().isEmpty()));
      return files;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + DESCRIPTOR_SET, e);
    }
  }

  private static FileDescriptor buildWithDependencies(String name, Map<String, FileDescriptorProto> protos,
                                                      Map<String, FileDescriptor> built) {
    FileDescriptor done = built.get(name);
    if (done != null) {
      return done;
    }
    FileDescriptorProto proto = protos.get(name);
    if (proto == null) {
      throw new IllegalStateException(DESCRIPTOR_SET + " lacks " + name);
    }
    List<FileDescriptor> dependencies = new ArrayList<>();
    proto.getDependencyList().forEach(d -> dependencies.add(buildWithDependencies(d, protos, built)));
    FileDescriptor file = build(proto, dependencies.toArray(FileDescriptor[]::new));
    built.put(name, file);
    return file;
  }

  private static FileDescriptor build(FileDescriptorProto proto, FileDescriptor... dependencies) {
    try {
      return FileDescriptor.buildFrom(proto, dependencies);
    } catch (DescriptorValidationException e) {
      throw new IllegalStateException("invalid descriptor " + proto.getName() + ": " + e.getMessage(), e);
    }
  }

  /**
   * The same file under another package: v1alpha of reflection has exactly the wire format of v1, so its
   * descriptor is v1's with the package (and every type reference) renamed.
   */
  static FileDescriptorProto repackage(FileDescriptorProto file, String name, String pkg) {
    String from = "." + file.getPackage() + ".";
    String to = "." + pkg + ".";
    FileDescriptorProto.Builder b = file.toBuilder().setName(name).setPackage(pkg).clearOptions();
    for (DescriptorProto.Builder message : b.getMessageTypeBuilderList()) {
      for (FieldDescriptorProto.Builder field : message.getFieldBuilderList()) {
        if (field.getTypeName().startsWith(from)) {
          field.setTypeName(to + field.getTypeName().substring(from.length()));
        }
      }
    }
    for (ServiceDescriptorProto.Builder service : b.getServiceBuilderList()) {
      for (MethodDescriptorProto.Builder method : service.getMethodBuilderList()) {
        method.setInputType(method.getInputType().replace(from, to));
        method.setOutputType(method.getOutputType().replace(from, to));
      }
    }
    return b.build();
  }
}
