package io.polyport.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.reflection.v1.ErrorResponse;
import io.vertx.grpc.reflection.v1.ExtensionNumberResponse;
import io.vertx.grpc.reflection.v1.ExtensionRequest;
import io.vertx.grpc.reflection.v1.FileDescriptorResponse;
import io.vertx.grpc.reflection.v1.ListServiceResponse;
import io.vertx.grpc.reflection.v1.ServerReflectionRequest;
import io.vertx.grpc.reflection.v1.ServerReflectionResponse;
import io.vertx.grpc.reflection.v1.ServiceResponse;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What server reflection answers from, built once from the served services: every file they need (by
 * name, already serialized), every symbol they declare (services, methods, messages, enums, extensions,
 * nested ones included) and the extensions by extended type. Immutable, so shared by every call.
 */
final class ReflectionIndex {
  private final List<String> services = new ArrayList<>();
  private final Map<String, FileDescriptor> files = new LinkedHashMap<>();
  private final Map<String, ByteString> serialized = new HashMap<>();
  private final Map<String, FileDescriptor> symbols = new HashMap<>();
  private final Set<String> messageTypes = new HashSet<>();
  private final Map<String, List<FieldDescriptor>> extensions = new HashMap<>();

  ReflectionIndex(List<ServiceDescriptor> served) {
    for (ServiceDescriptor service : served) {
      services.add(service.getFullName());
      add(service.getFile());
    }
  }

  /** The answer to one request of a reflection stream (an error_response when the name is unknown). */
  ServerReflectionResponse answer(ServerReflectionRequest request) {
    var response = ServerReflectionResponse.newBuilder().setValidHost(request.getHost()).setOriginalRequest(request);
    return switch (request.getMessageRequestCase()) {
      case LIST_SERVICES -> response.setListServicesResponse(listServices()).build();
      case FILE_BY_FILENAME -> withFile(response, files.get(request.getFileByFilename()),
          "no file named " + request.getFileByFilename());
      case FILE_CONTAINING_SYMBOL -> withFile(response, symbols.get(request.getFileContainingSymbol()),
          "no symbol named " + request.getFileContainingSymbol());
      case FILE_CONTAINING_EXTENSION -> withFile(response, fileOfExtension(request.getFileContainingExtension()),
          "no extension " + request.getFileContainingExtension().getExtensionNumber() + " of "
              + request.getFileContainingExtension().getContainingType());
      case ALL_EXTENSION_NUMBERS_OF_TYPE -> extensionNumbers(response, request.getAllExtensionNumbersOfType());
      case MESSAGEREQUEST_NOT_SET -> error(response, GrpcStatus.INVALID_ARGUMENT, "the request asks nothing");
    };
  }

  private ListServiceResponse listServices() {
    var list = ListServiceResponse.newBuilder();
    services.forEach(name -> list.addService(ServiceResponse.newBuilder().setName(name)));
    return list.build();
  }

  /** The file, then every file it depends on, transitively, each once. */
  private ServerReflectionResponse withFile(ServerReflectionResponse.Builder response, FileDescriptor file,
                                            String notFound) {
    if (file == null) {
      return error(response, GrpcStatus.NOT_FOUND, notFound);
    }
    Set<String> closure = new LinkedHashSet<>();
    collect(file, closure);
    var answer = FileDescriptorResponse.newBuilder();
    closure.forEach(name -> answer.addFileDescriptorProto(serialized.get(name)));
    return response.setFileDescriptorResponse(answer).build();
  }

  private static void collect(FileDescriptor file, Set<String> into) {
    if (into.add(file.getName())) {
      file.getDependencies().forEach(d -> collect(d, into));
    }
  }

  private FileDescriptor fileOfExtension(ExtensionRequest request) {
    for (FieldDescriptor extension : extensions.getOrDefault(request.getContainingType(), List.of())) {
      if (extension.getNumber() == request.getExtensionNumber()) {
        return extension.getFile();
      }
    }
    return null;
  }

  private ServerReflectionResponse extensionNumbers(ServerReflectionResponse.Builder response, String type) {
    if (!messageTypes.contains(type)) {
      return error(response, GrpcStatus.NOT_FOUND, "no message type named " + type);
    }
    var numbers = ExtensionNumberResponse.newBuilder().setBaseTypeName(type);
    extensions.getOrDefault(type, List.of()).forEach(e -> numbers.addExtensionNumber(e.getNumber()));
    return response.setAllExtensionNumbersResponse(numbers).build();
  }

  private static ServerReflectionResponse error(ServerReflectionResponse.Builder response, GrpcStatus status,
                                                String message) {
    return response.setErrorResponse(ErrorResponse.newBuilder().setErrorCode(status.code).setErrorMessage(message))
        .build();
  }

  private void add(FileDescriptor file) {
    if (files.putIfAbsent(file.getName(), file) != null) {
      return;
    }
    serialized.put(file.getName(), file.toProto().toByteString());
    file.getDependencies().forEach(this::add);
    for (ServiceDescriptor service : file.getServices()) {
      symbols.put(service.getFullName(), file);
      for (MethodDescriptor method : service.getMethods()) {
        symbols.put(method.getFullName(), file);
      }
    }
    file.getMessageTypes().forEach(this::addMessage);
    for (EnumDescriptor e : file.getEnumTypes()) {
      symbols.put(e.getFullName(), file);
    }
    file.getExtensions().forEach(this::addExtension);
  }

  private void addMessage(Descriptor message) {
    symbols.put(message.getFullName(), message.getFile());
    messageTypes.add(message.getFullName());
    message.getNestedTypes().forEach(this::addMessage);
    for (EnumDescriptor e : message.getEnumTypes()) {
      symbols.put(e.getFullName(), message.getFile());
    }
    message.getExtensions().forEach(this::addExtension);
  }

  private void addExtension(FieldDescriptor extension) {
    symbols.put(extension.getFullName(), extension.getFile());
    extensions.computeIfAbsent(extension.getContainingType().getFullName(), k -> new ArrayList<>()).add(extension);
  }
}
