// CosmJS, as wallets use it: estimate a send's gas by simulation (no gas limit, no signature),
// then sign and broadcast it with fee "auto". Prints one JSON line for tests/tests/cosmjs.rs.
// Usage: node simulate-and-send.mjs RPC_URL MNEMONIC RECIPIENT AMOUNT_UOPEN
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import { GasPrice, SigningStargateClient } from "@cosmjs/stargate";

const [rpc, mnemonic, recipient, amount] = process.argv.slice(2);
// The wallet's default HD path is the Cosmos one (coin type 118), as our CLI's.
const wallet = await DirectSecp256k1HdWallet.fromMnemonic(mnemonic, { prefix: "ol" });
const [{ address }] = await wallet.getAccounts();
const client = await SigningStargateClient.connectWithSigner(rpc, wallet, {
  gasPrice: GasPrice.fromString("0.025uopen"),
});
const send = {
  typeUrl: "/cosmos.bank.v1beta1.MsgSend",
  value: { fromAddress: address, toAddress: recipient, amount: [{ denom: "uopen", amount }] },
};
const simulatedGas = await client.simulate(address, [send], "");
const result = await client.signAndBroadcast(address, [send], "auto", "");
console.log(
  JSON.stringify({
    address,
    simulated_gas: simulatedGas,
    code: result.code,
    height: result.height,
    gas_wanted: Number(result.gasWanted),
    gas_used: Number(result.gasUsed),
  }),
);
