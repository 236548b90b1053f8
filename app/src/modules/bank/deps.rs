//! What bank needs from other modules, as narrow traits (x/bank's `expected_keepers.go`);
//! `crate::keepers` implements them.

use openledger_types::Address;

use crate::context::Ctx;
use crate::error::SdkError;

/// From auth: a recipient gets an account on first receipt, as in x/bank.
pub trait Accounts {
    fn ensure_account(&self, ctx: &mut Ctx, addr: &Address) -> Result<(), SdkError>;
}

/// Module accounts, which MsgSend may not pay (x/bank's blocked addresses): each holds exactly
/// what its module accounts for.
pub trait ModuleAccounts {
    fn is_module_account(&self, addr: &Address) -> bool;
}

pub trait Deps: Accounts + ModuleAccounts {}
impl<T: Accounts + ModuleAccounts> Deps for T {}
