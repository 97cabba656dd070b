//! Every user action, handed to its feature. Actions that change something
//! carry their target; no handler reads the current selection to find out
//! what an action was about. The shell's own actions (palette, help, a
//! confirmation, closing a dialog) are carried out here.

use crate::state::FollowUp;
use crate::ui::help::HelpDialog;
use crate::ui::modal::ConfirmForm;
use crate::ui::palette::PaletteView;
use crate::ui::{ShellAction, UiAction};

use super::EcrscopeApp;

impl EcrscopeApp {
    /// Carries out one user action.
    pub fn handle(&mut self, action: UiAction) {
        let follow = match action {
            UiAction::Browse(a) => self.on_browse(a),
            UiAction::Registries(a) => self.on_registries(a),
            UiAction::Manage(a) => self.on_manage(a),
            UiAction::Scanning(a) => self.on_scanning(a),
            UiAction::Transfer(a) => self.on_transfer(a),
            UiAction::Search(a) => self.on_search(a),
            UiAction::PullThrough(a) => self.on_pull_through(a),
            UiAction::Lifecycle(a) => self.on_lifecycle(a),
            UiAction::Login(a) => self.on_login(a),
            UiAction::SupplyChain(a) => self.on_supply_chain(a),
            UiAction::Admin(a) => self.on_admin(a),
            UiAction::Insight(a) => self.on_insight(a),
            UiAction::Preferences(a) => self.on_preferences(a),
            UiAction::Shell(a) => self.on_shell(a),
        };
        self.carry_out(follow);
    }

    fn on_shell(&mut self, action: ShellAction) -> Vec<FollowUp> {
        match action {
            ShellAction::OpenPalette => self.view.open(PaletteView::default()),
            ShellAction::OpenHelp => self.view.open(HelpDialog),
            ShellAction::Confirm {
                title,
                body,
                confirm,
                target,
                action,
            } => self.view.open(ConfirmForm {
                title,
                body,
                confirm,
                target,
                action: *action,
            }),
            ShellAction::CloseModal => self.view.modal = None,
            ShellAction::SaveTo(path) => self.save_to(path),
        }
        Vec::new()
    }
}
