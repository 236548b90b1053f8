#!/usr/bin/env python3
"""Writes a localnet's chain-registry files and Keplr chain info.

Usage: chain-registry.py LOCALNET_DIR

Reads DIR/env, DIR/genesis.json and each DIR/node<i>/node.env; writes, under DIR/chain-registry/:
  chain.schema.json, assetlist.schema.json  (cosmos/chain-registry's schemas, vendored beside
                                            this script, so each file's "$schema" resolves)
  openledgerlocal/chain.json                (the chain-registry chain schema)
  openledgerlocal/assetlist.json            (the chain-registry asset list schema)
  openledgerlocal/keplr-chain-info.json     (what Keplr's experimentalSuggestChain takes)
"""
import json
import pathlib
import shutil
import sys

CHAIN_NAME = "openledgerlocal"
PREFIX = "ol"
COIN_TYPE = 118
DENOM, DISPLAY, DECIMALS, SYMBOL = "uopen", "open", 6, "OPEN"
COMETBFT_VERSION = "v0.38.25"  # what install-cometbft.sh pins


def sourced(path):
    """KEY=VALUE lines of a file written with printf %q (values here never need unquoting)."""
    out = {}
    for line in path.read_text().splitlines():
        if "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            out[key] = value
    return out


def main():
    here = pathlib.Path(__file__).resolve().parent
    localnet = pathlib.Path(sys.argv[1])
    env = sourced(localnet / "env")
    chain_id = env["CHAIN_ID"]
    genesis = json.loads((localnet / "genesis.json").read_text())
    params = genesis["app_state"]["auth"]["params"]
    # The chain's floor, consensus state (ADR 0001): wallets must offer at least this.
    floor = float(params["min_gas_price"])
    steps = {"low": floor, "average": round(floor * 1.2, 6), "high": round(floor * 1.6, 6)}

    nodes = sorted(localnet.glob("node*/node.env"), key=lambda p: int(p.parent.name[4:]))
    endpoints = {"rpc": [], "rest": [], "grpc": []}
    for node_env in nodes:
        node = sourced(node_env)
        name = node_env.parent.name
        endpoints["rpc"].append({"address": f"http://127.0.0.1:{node['RPC_PORT']}", "provider": name})
        endpoints["rest"].append({"address": f"http://127.0.0.1:{node['REST_PORT']}", "provider": name})
        endpoints["grpc"].append({"address": f"127.0.0.1:{node['GRPC_PORT']}", "provider": name})

    registry = localnet / "chain-registry"
    chain_dir = registry / CHAIN_NAME
    chain_dir.mkdir(parents=True, exist_ok=True)
    for schema in ("chain.schema.json", "assetlist.schema.json"):
        shutil.copyfile(here / "chain-registry" / schema, registry / schema)

    chain = {
        "$schema": "../chain.schema.json",
        "chain_name": CHAIN_NAME,
        "chain_type": "cosmos",
        "chain_id": chain_id,
        "pretty_name": "OpenLedger localnet",
        "status": "live",
        "network_type": "devnet",
        "bech32_prefix": PREFIX,
        "daemon_name": "openledgerd",
        "key_algos": ["secp256k1"],
        "slip44": COIN_TYPE,
        "fees": {
            "fee_tokens": [
                {
                    "denom": DENOM,
                    "fixed_min_gas_price": floor,
                    "low_gas_price": steps["low"],
                    "average_gas_price": steps["average"],
                    "high_gas_price": steps["high"],
                }
            ]
        },
        "staking": {"staking_tokens": [{"denom": DENOM}]},
        "codebase": {"consensus": {"type": "cometbft", "version": COMETBFT_VERSION}},
        "description": "A public ledger for AI: model lineage, dataset contributions, licences "
        "and proof-of-attribution payments.",
        "apis": endpoints,
    }
    assetlist = {
        "$schema": "../assetlist.schema.json",
        "chain_name": CHAIN_NAME,
        "assets": [
            {
                "description": "The native token: fees, licence prices and attribution rewards.",
                "denom_units": [
                    {"denom": DENOM, "exponent": 0},
                    {"denom": DISPLAY, "exponent": DECIMALS},
                ],
                "type_asset": "sdk.coin",
                "base": DENOM,
                "name": "OpenLedger Open",
                "display": DISPLAY,
                "symbol": SYMBOL,
            }
        ],
    }
    currency = {"coinDenom": SYMBOL, "coinMinimalDenom": DENOM, "coinDecimals": DECIMALS}
    keplr = {
        "chainId": chain_id,
        "chainName": "OpenLedger localnet",
        "rpc": endpoints["rpc"][0]["address"],
        "rest": endpoints["rest"][0]["address"],
        "bip44": {"coinType": COIN_TYPE},
        "bech32Config": {
            "bech32PrefixAccAddr": PREFIX,
            "bech32PrefixAccPub": PREFIX + "pub",
            "bech32PrefixValAddr": PREFIX + "valoper",
            "bech32PrefixValPub": PREFIX + "valoperpub",
            "bech32PrefixConsAddr": PREFIX + "valcons",
            "bech32PrefixConsPub": PREFIX + "valconspub",
        },
        "currencies": [currency],
        "feeCurrencies": [dict(currency, gasPriceStep=steps)],
        "stakeCurrency": currency,
        "features": [],
    }
    for name, doc in (("chain.json", chain), ("assetlist.json", assetlist), ("keplr-chain-info.json", keplr)):
        (chain_dir / name).write_text(json.dumps(doc, indent=2) + "\n")
    print(chain_dir)


if __name__ == "__main__":
    main()
