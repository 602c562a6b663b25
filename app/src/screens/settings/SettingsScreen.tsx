import { Stack, Tabs, Text, Title } from '@mantine/core';
import { useSearchParams } from 'react-router';
import { SectionEditor } from './SectionEditor';
import { sectionTabs, type SettingsSectionId } from './settings-types';
import { UsersSection } from './UsersSection';

/**
 * Settings (issue 14, item 6; admins): queue policies, routing rules, IVR texts, retention, users
 * and roles. The open section is in the query string (`?section=routing-rules`), so a link or a
 * reload lands on it.
 */
export default function SettingsScreen() {
  const [params, setParams] = useSearchParams();
  const requested = params.get('section');
  const section = sectionTabs.some((tab) => tab.id === requested) ? (requested as SettingsSectionId | 'users') : 'queue-policy';
  return (
    <Stack gap="md" maw={1100}>
      <div>
        <Title order={1} size="h3">
          Settings
        </Title>
        <Text size="sm" c="dimmed">
          Each change is checked, shown before it is saved, saved with a reason, and kept in the audit log.
        </Text>
      </div>
      <Tabs value={section} onChange={(value) => value && setParams({ section: value }, { replace: true })} keepMounted={false}>
        <Tabs.List style={{ flexWrap: 'wrap' }}>
          {sectionTabs.map((tab) => (
            <Tabs.Tab key={tab.id} value={tab.id}>
              {tab.label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        {sectionTabs.map((tab) => (
          <Tabs.Panel key={tab.id} value={tab.id} pt="md">
            {tab.id === 'users' ? <UsersSection /> : <SectionEditor section={tab.id} />}
          </Tabs.Panel>
        ))}
      </Tabs>
    </Stack>
  );
}
