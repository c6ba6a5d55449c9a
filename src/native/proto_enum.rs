//! The enums of `proto/gatehouse/v1` by their value names, for reading JSON and for messages
//! that list what a producer may write.

use crate::proto::v1;

/// An enum of `proto/gatehouse/v1`, by its value names.
pub(super) trait ProtoEnum: Sized + TryFrom<i32> + Copy + Into<i32> {
    /// Its proto name, for messages.
    const NAME: &'static str;
    fn from_name(name: &str) -> Option<Self>;
    fn name(self) -> &'static str;

    /// Every value name, in number order.
    fn names() -> Vec<&'static str> {
        (0..)
            .map_while(|n| Self::try_from(n).ok())
            .map(Self::name)
            .collect()
    }
}

macro_rules! proto_enum {
    ($($t:ty => $name:literal),* $(,)?) => {$(
        impl ProtoEnum for $t {
            const NAME: &'static str = $name;
            fn from_name(name: &str) -> Option<Self> {
                <$t>::from_str_name(name)
            }
            fn name(self) -> &'static str {
                self.as_str_name()
            }
        }
    )*};
}

proto_enum!(
    v1::PortalRoleLevel => "PortalRoleLevel",
    v1::WelcomeEmail => "WelcomeEmail",
    v1::DeprovisionMode => "DeprovisionMode",
);
