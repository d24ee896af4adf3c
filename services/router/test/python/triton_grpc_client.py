"""Drives a Switchboard router with stubs generated from Triton's .proto files by grpc_tools.

Usage: triton_grpc_client.py <router host:port> <dir with grpc_service.proto and model_config.proto> <model>

Generates the Python stubs into a temporary directory, then calls ModelInfer, ModelConfig,
RepositoryIndex and ModelStreamInfer (good requests and one malformed) and prints what it got as
JSON on stdout. Exits non-zero, with the reason on stderr, when a call fails or an answer is wrong.
"""

import importlib
import json
import struct
import sys
import tempfile

try:
    import grpc
    from grpc_tools import protoc
except ImportError as error:
    sys.exit(
        f"python3 cannot import grpc or grpc_tools ({error}); install Debian's python3-grpcio and python3-grpc-tools"
    )


def generate_stubs(proto_dir, out_dir):
    arguments = [
        "grpc_tools.protoc",
        f"-I{proto_dir}",
        f"--python_out={out_dir}",
        f"--grpc_python_out={out_dir}",
        "grpc_service.proto",
        "model_config.proto",
    ]
    if protoc.main(arguments) != 0:
        sys.exit("grpc_tools.protoc could not compile the .proto files")
    sys.path.insert(0, out_dir)
    return importlib.import_module("grpc_service_pb2"), importlib.import_module("grpc_service_pb2_grpc")


def infer_request(messages, model, request_id, features):
    request = messages.ModelInferRequest(model_name=model, id=request_id)
    tensor = request.inputs.add(name="features", datatype="FP32")
    tensor.shape.extend([1, len(features)])
    request.raw_input_contents.append(struct.pack(f"<{len(features)}f", *features))
    return request


def check(condition, message):
    if not condition:
        sys.exit(message)


def main():
    address, proto_dir, model = sys.argv[1:4]
    with tempfile.TemporaryDirectory() as out_dir:
        messages, services = generate_stubs(proto_dir, out_dir)
        with grpc.insecure_channel(address) as channel:
            stub = services.GRPCInferenceServiceStub(channel)
            features = [0.3, -1.2, 0.8, 0.05]

            infer = stub.ModelInfer(infer_request(messages, model, "py-1", features), timeout=30)
            check(infer.id == "py-1" and len(infer.outputs) > 0, f"ModelInfer answered {infer}")

            config = stub.ModelConfig(messages.ModelConfigRequest(name=model), timeout=30).config
            check(config.name == model, f"ModelConfig named {config.name!r}")

            index = stub.RepositoryIndex(messages.RepositoryIndexRequest(), timeout=30)
            states = {entry.name: entry.state for entry in index.models}
            check(states.get(model) == "READY", f"RepositoryIndex states {states}")

            requests = [infer_request(messages, model, f"py-stream-{i}", features) for i in range(20)]
            requests.append(infer_request(messages, model, "py-stream-bad", features[:3]))
            requests.append(infer_request(messages, model, "py-stream-last", features))
            answers = {}
            for response in stub.ModelStreamInfer(iter(requests), timeout=60):
                answers[response.infer_response.id] = response.error_message
            check(len(answers) == len(requests), f"ModelStreamInfer answered {len(answers)} of {len(requests)}")
            check(answers["py-stream-bad"] != "", "the malformed streamed request had no error_message")
            check(answers["py-stream-last"] == "", "the request after the malformed one failed")

            print(
                json.dumps(
                    {
                        "infer_outputs": [output.name for output in infer.outputs],
                        "config": {
                            "name": config.name,
                            "platform": config.platform,
                            "max_batch_size": config.max_batch_size,
                            "inputs": [tensor.name for tensor in config.input],
                        },
                        "index": states,
                        "stream_answers": len(answers),
                        "stream_error": answers["py-stream-bad"],
                    }
                )
            )


if __name__ == "__main__":
    main()
