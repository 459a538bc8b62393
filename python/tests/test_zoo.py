import llmdse


def test_zoo_lists_models_hardware_and_runtimes():
    zoo = llmdse.zoo()
    assert set(zoo) == {"models", "hardware", "runtimes"}
    assert "llama-3-8b" in {m["llmdse_id"] for m in zoo["models"]}
    assert "h100-sxm" in {h["id"] for h in zoo["hardware"]}
    assert {"torch-cudagraph", "vllm", "llama.cpp"} <= {r["id"] for r in zoo["runtimes"]}


def test_zoo_equals_the_command_lines_json(cli):
    for what in ("models", "hardware", "runtimes"):
        assert llmdse.zoo(what) == cli.json("zoo", what, "--format", "json")


def test_zoo_rejects_an_unknown_list_like_the_command_line(cli):
    try:
        llmdse.zoo("gadgets")
    except ValueError as e:
        assert str(e) == cli.error("zoo", "gadgets")
    else:
        raise AssertionError("no ValueError")
