//! Carrying out what the state said should follow an event or an action.

use crate::state::FollowUp;

use super::EcrscopeApp;

impl EcrscopeApp {
    pub(crate) fn carry_out(&mut self, follow: Vec<FollowUp>) {
        for f in follow {
            match f {
                FollowUp::Request(cmd) => self.request(cmd),
                FollowUp::Poll { image, after } => self.timers.poll_after(image, after),
                FollowUp::CloseModal => self.view.modal = None,
                FollowUp::ClearImageSelection => self.view.images.reset(),
                FollowUp::ConfirmDeleteRepository(repo) => {
                    self.handle(crate::ui::ManageAction::OpenDeleteRepository(repo).into());
                }
            }
        }
    }
}
